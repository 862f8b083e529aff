"""Demo units (portal.demo.UNITS): the units as registered with their agents, every field of the
unit page, and related units with their proof."""

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from stdnum.cn import ric, uscc

from employers.models import Agent, Employer, RelatedUnit
from employers.services import related_unit_add
from portal.demo import COLLEAGUES, DEMO_PASSWORD, UNITS
from portal.models import Region
from portal.pdf import render_pdf
from portal.roles import Role


def _rid(body: str) -> str:
    """A resident ID with its check digit."""
    return body + ric.calc_check_digit(body + "0")


UNIT_DATA = {
    "sh": dict(
        tax_registration_no="91310104MA1FL3X8Q", unit_nature="enterprise", economic_nature="limited_liability",
        industry="C", legal_rep_name="周建华", legal_rep_id_number=_rid("31010419780315003"), legal_rep_phone="13801760000",
        unit_phone="021-64870000", last_year_headcount=236, agent_name="王丽华", agent_phone="13916620000",
        business_address="上海市徐汇区漕河泾开发区宜山路888号", registered_address="上海市徐汇区宜山路888号",
        si_code="31010400871", insurance_code="31000023", union_district="徐汇区总工会", postal_code="200233",
        economic_type="private",
    ),
    "nm": dict(
        unit_nature="enterprise", economic_nature="limited_liability", industry="C", legal_rep_name="乌力吉",
        legal_rep_id_number=_rid("15010219750620001"), legal_rep_phone="13904710000", unit_phone="0471-6930000",
        last_year_headcount=30, agent_name="巴特尔", agent_phone="13847100000",
        business_address="呼和浩特市新城区成吉思汗大街66号", registered_address="呼和浩特市新城区成吉思汗大街66号",
        postal_code="010010", economic_type="private",
    ),
    "ln": dict(
        unit_nature="enterprise", economic_nature="state_owned", industry="C", legal_rep_name="张德胜",
        legal_rep_id_number=_rid("21010219690912001"), legal_rep_phone="13904020000", unit_phone="024-23450000",
        last_year_headcount=512, agent_name="李建国", agent_phone="13889100000",
        business_address="沈阳市和平区南京南街128号", registered_address="沈阳市和平区南京南街128号",
        postal_code="110001", economic_type="state",
    ),
    "ln2": dict(
        unit_nature="enterprise", economic_nature="limited_liability", industry="F", legal_rep_name="刘振东",
        legal_rep_id_number=_rid("21010219720405001"), legal_rep_phone="13904021111", unit_phone="024-23451111",
        last_year_headcount=40, agent_name="赵敏", agent_phone="13889101111",
        business_address="沈阳市和平区中华路77号", registered_address="沈阳市和平区中华路77号",
        postal_code="110001", economic_type="private",
    ),
}

def _unit_data(unit) -> dict:
    """A queue unit's page (portal.demo: the units that fill the reviewers' queues): plain values."""
    if unit.key in UNIT_DATA:
        return UNIT_DATA[unit.key]
    serial = f"{sum(map(ord, unit.key)) % 1000:03d}"
    return dict(unit_nature="enterprise", economic_nature="limited_liability", industry="C",
                legal_rep_name=unit.agent_name, legal_rep_id_number=_rid(f"{unit.region}19760101{serial}"),
                legal_rep_phone="13900000000", unit_phone=unit.phone, last_year_headcount=60,
                agent_name=unit.agent_name, agent_phone="13900000001", business_address=f"{unit.name}办公地址",
                registered_address=f"{unit.name}注册地址", postal_code="100000", economic_type="private")


def _code(body: str) -> str:
    return body + uscc.calc_check_digit(body + "0")


def _registry_unit(key: str):
    """A related unit as the mocked registries know it (it pays some demo people)."""
    from portal.feeds.demo import DEMO_UNITS

    return next(u for u in DEMO_UNITS if u.key == key)


# (relation, region, name, credit code)
RELATED = {
    "sh": [
        ("parent_child", _registry_unit("sh-sales").region, _registry_unit("sh-sales").name,
         _registry_unit("sh-sales").credit_code),
        ("dispatch", _registry_unit("sh-agency").region, _registry_unit("sh-agency").name,
         _registry_unit("sh-agency").credit_code),
    ],
    "ln": [("dispatch", "210102", "沈阳和平劳务派遣有限公司", _code("91210102MA0W1Q8T4"))],
    "nm-rev": [("dispatch", _registry_unit("nm-agency").region, _registry_unit("nm-agency").name,
                _registry_unit("nm-agency").credit_code)],
}


def load_registrations() -> None:
    """The demo units as registered: each unit with its registrant agent, and invited colleagues."""
    User = get_user_model()
    with transaction.atomic():
        for u in UNITS:
            region = Region.objects.get(code=u.region)
            employer, _ = Employer.objects.get_or_create(
                credit_code=u.credit_code,
                defaults={"name": u.name, "admin_region": region, "fed_region": region, "tax_region": region,
                          "contact_email": u.agent, "contact_phone": u.phone},
            )
            user, created = User.objects.get_or_create(
                username=u.agent,
                defaults={"email": u.agent, "full_name": u.agent_name, "role": Role.EMPLOYER_AGENT, "phone": u.phone},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            Agent.objects.get_or_create(user=user, defaults={"employer": employer, "is_registrant": True})
        for key, email, name in COLLEAGUES:
            employer = Employer.objects.get(credit_code=next(u.credit_code for u in UNITS if u.key == key))
            user, created = User.objects.get_or_create(
                username=email, defaults={"email": email, "full_name": name, "role": Role.EMPLOYER_AGENT}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            Agent.objects.get_or_create(user=user, defaults={"employer": employer, "invited_by": None})


def load_units() -> None:
    User = get_user_model()
    for unit in UNITS:
        employer = Employer.objects.get(credit_code=unit.credit_code)
        if not employer.legal_rep_name:
            for field, value in _unit_data(unit).items():
                setattr(employer, field, value)
            employer.org_code = unit.credit_code[8:17]
            employer.save()
        agent = User.objects.get(username=unit.agent)
        for relation, region, name, code in RELATED.get(unit.key, []):
            if RelatedUnit.objects.filter(employer=employer, credit_code=code).exists():
                continue
            _html, pdf = render_pdf("pdf/demo_agreement.html", {"employer": employer, "other": name,
                                                                "relation": relation})
            related_unit_add(
                actor=agent, employer=employer,
                data={"relation": relation, "region": Region.objects.get(code=region), "credit_code": code,
                      "name": name, "phone": "021-60000000", "address": f"{name}办公地址", "org_code": code[8:17]},
                evidence_file=SimpleUploadedFile("劳务派遣协议.pdf", pdf, content_type="application/pdf"),
            )


DEMO_ORDER = 30  # after the base and the registries, before the apps that work for a unit
DEMO_STEPS = [load_registrations, load_units]
