"""The API answers as its OpenAPI schema says (issue 14, point 19): schemathesis generates requests
for every operation from the schema the portal serves, sends them as the role that uses the
operation (an employer agent's token, a tax system's token, nobody for the public calculator) and
checks every answer: no server error, only documented statuses and content types, bodies that match
their schema, valid requests accepted and invalid ones refused. Tax and union systems generate
their clients from this schema, so a mismatch here is a bug in the schema or in the API.

Path ids are sometimes the caller's own objects (so the operation really runs) and sometimes another
unit's, which must be not found."""

import itertools
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from portal.models import Region
from portal.tokens import token_issue
from tests import factories as f
from tests.world import build_world

EXAMPLES = 40
CONFIG = schemathesis.config.SchemathesisConfig.from_str(
    (Path(__file__).resolve().parent.parent / "schemathesis.toml").read_text())


@pytest.fixture
def api_schema(db):
    # The test client detaches these too: the WSGI app would close the test's database connection
    # at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # the schema's `gb2260` codes are current codes: the generator draws them from the region table
    schemathesis.openapi.format("gb2260", st.sampled_from(sorted(Region.objects.values_list("code", flat=True))))
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), config=CONFIG)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def world(db):
    return build_world()


def credentials(world, case) -> dict:
    """The role that uses the operation: a tax system of Shanghai, nobody, or unit A's agent."""
    security = {name for requirement in case.operation.definition.raw.get("security", []) for name in requirement}
    if "systemToken" in security:
        if "tax_key" not in world.own:
            _token, world.own["tax_key"] = token_issue(actor=world.users["system_admin"], name="税务征收系统",
                                                       region=f.region("310000"))
        return {"Authorization": f"Bearer {world.own['tax_key']}"}
    if not security:
        return {}
    token, _ = Token.objects.get_or_create(user=world.own["agent"].user)
    return {"Authorization": f"Token {token.key}"}


# Which objects a path's ids name: (path fragment, parameter, world key, attribute).
PATH_OBJECTS = [
    ("/placement/persons/{person_pk}/contracts/{id}", "id", "contract", "pk"),
    ("/placement/persons/{person_pk}/certificates/{id}", "id", "certificate", "pk"),
    ("/placement/persons/{person_pk}", "person_pk", "person", "pk"),
    ("/placement/persons/{id}", "id", "person", "pk"),
    ("/unit/related-units/{id}", "id", "related_unit", "pk"),
    ("/insurance/batches/{id}", "id", "insurance_batch", "pk"),
]
_turn = itertools.cycle(("generated", "own", "foreign"))


def aim(world, case) -> str:
    """Point a valid case's ids at the caller's own objects, another unit's, or leave them
    generated (an invalid case stays as generated: it must be refused as it is)."""
    turn = next(_turn)
    if turn == "generated" or not case.path_parameters or not case.meta.generation.mode.is_positive:
        return "generated"
    side = world.own if turn == "own" else world.foreign
    for fragment, parameter, key, attribute in PATH_OBJECTS:
        if fragment in case.path and parameter in case.path_parameters and key in side:
            case.path_parameters[parameter] = getattr(side[key], attribute)
    return turn


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_answers_as_its_schema_says(case, world):
    turn = aim(world, case)
    response = case.call_and_validate(headers=credentials(world, case))
    if turn == "foreign" and case.method != "OPTIONS" and case.operation.definition.raw.get("security"):
        assert response.status_code in (400, 404, 405), (
            f"{case.method} {case.formatted_path} reached another unit's object: {response.status_code}")
