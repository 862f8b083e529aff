"""Placement fixtures: the demo registries loaded, the demo units as employers and their agents
(the factories and the helpers that walk the wizard are in tests/placement/factories.py)."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from employers.models import Employer, RelatedUnit
from portal.demo import UNITS
from portal.feeds.demo import DEMO_UNITS, load_registry
from tests import factories as f

YEAR = 2025


@pytest.fixture
def registry(db):
    load_registry()


def demo_employer(key: str) -> Employer:
    unit = next(u for u in UNITS if u.key == key)
    return f.EmployerFactory(name=unit.name, credit_code=unit.credit_code, admin_region=f.region(unit.region))


@pytest.fixture
def sh_unit(registry):
    return demo_employer("sh")


@pytest.fixture
def ln_unit(registry):
    return demo_employer("ln")


@pytest.fixture
def sh_agent(sh_unit):
    return f.AgentFactory(employer=sh_unit).user


@pytest.fixture
def related_units(sh_unit):
    """The Shanghai unit's related units as the registries know them (sales company, agency)."""
    codes = {u.key: u for u in DEMO_UNITS}
    proof = f.PDF_BYTES
    from portal.uploads import RELATED_UNIT_PROOF, upload_accept

    upload = upload_accept(file=SimpleUploadedFile("p.pdf", proof), kind=RELATED_UNIT_PROOF.code, employer=sh_unit)
    return {
        "sales": RelatedUnit.objects.create(employer=sh_unit, relation="parent_child", region=f.region("310104"),
                                            credit_code=codes["sh-sales"].credit_code, name=codes["sh-sales"].name,
                                            evidence=upload),
        "agency": RelatedUnit.objects.create(employer=sh_unit, relation="dispatch", region=f.region("310101"),
                                             credit_code=codes["sh-agency"].credit_code, name=codes["sh-agency"].name,
                                             evidence=upload),
    }
