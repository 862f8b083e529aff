"""Placement fixtures: the demo registries loaded, the demo units as employers, and a helper that
adds a person through the wizard's services."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from employers.models import Employer, RelatedUnit
from placement import services
from placement.verification import prefill_lookup
from portal.demo import UNITS
from portal.feeds.demo import DEMO_UNITS, demo_person, load_registry
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


def pdf(name="合同.pdf"):
    return SimpleUploadedFile(name, f.PDF_BYTES, content_type="application/pdf")


PERSON_DATA = {"hukou_type": "local", "hukou_address": "上海市徐汇区", "phone": "13800000000", "is_graduate": False,
               "retirement_category": "F55"}


def add_person(employer, actor, key: str, *, contract: dict | None = None, year: int = YEAR,
               capture=None):
    """Add a demo person with one contract (open-ended from 2020 unless given) and run step 1.
    With `capture` (django_capture_on_commit_callbacks) the verification task runs at once."""
    person_info = demo_person(key)
    declaration = services.declaration_open(employer=employer, business_year=year)
    prefill = prefill_lookup(id_number=person_info.id_number, year=year)
    data = {**PERSON_DATA, "name": person_info.roster_name}
    person = services.person_create(actor=actor, declaration=declaration, id_number=person_info.id_number, data=data,
                                    prefilled=prefill.found, registry_certificates=prefill.certificates)
    terms = {"contract_type": "open_ended", "start_date": datetime.date(2020, 1, 1), "job": "装配工",
             "monthly_wage": 5000, "relation": "self", "is_dispatch": False}
    services.contract_save(actor=actor, person=person, data={**terms, **(contract or {})}, attachment_file=pdf())
    if capture is not None:
        with capture(execute=True):
            services.step1_complete(actor=actor, person=person)
    return type(person).objects.get(pk=person.pk)
