"""The registry method (Shanghai's 一件事) end to end: the 征缴基数 fetched in the background (a slow
registry leaves it pending and retried), 信息确认 with the registry's oddities, the three kinds of
异议 decided by a tax officer of the unit's tax region with both figures kept, and 核定."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from levy.choices import AssessmentStatus as S
from levy.models import LevyAssessment, Objection
from levy.selectors.assessment import assessment_view
from levy.services import assessment as svc
from levy.services.objection import objection_decide, objection_submit
from portal import feeds
from portal.exceptions import Conflict, NotAllowed, ValidationFailed
from tests import factories as f
from tests.levy.conftest import certify_unit, counted, registry_unit_for, unit_in

pytestmark = pytest.mark.django_db
MONTHS = [202500 + m for m in range(1, 13)]


def png(size=(20, 20)) -> SimpleUploadedFile:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile("营业执照.png", out.getvalue(), content_type="image/png")


def opened(unit, agent, django_capture_on_commit_callbacks, *, has_disabled=True):
    with django_capture_on_commit_callbacks(execute=True):
        a = svc.assessment_open(actor=agent, employer=unit, collection_year=2026, has_disabled=has_disabled)
    return LevyAssessment.objects.get(pk=a.pk)


@pytest.fixture
def shanghai(agent_for):
    unit = unit_in("310104")
    registry_unit_for(unit, capped=("1600000.00",) * 12, base=("1750000.00",) * 12,
                      changes={"back_payment": ("1100000.00", "1000000.00"), "refund": ("-200000.00", "-200000.00")})
    certify_unit(unit, headcount=200, persons=[counted(grade=3)])
    return unit, agent_for(unit)


def test_e1_through_the_registry_method(shanghai, django_capture_on_commit_callbacks):
    unit, agent = shanghai
    a = opened(unit, agent, django_capture_on_commit_callbacks)
    assert (a.method, a.registry_state) == ("registry", "fetched")
    view = assessment_view(a)
    assert view.totals.capped_base == Decimal("20000000.00") and view.totals.base == Decimal("21900000.00")
    assert view.result.headcount == 200 and view.result.levy == Decimal("180000.00")
    a = svc.assessment_confirm(actor=agent, assessment=a)
    with time_machine.travel(datetime.datetime(2026, 9, 1, 10, tzinfo=datetime.UTC), tick=False):
        a = svc.assessment_assess(actor=agent, assessment=a)
    assert (a.levy_amount, a.outcome, a.deadline) == (Decimal("180000.00"), "payable", datetime.date(2026, 11, 30))
    assert a.record["policy"]["rows"]["assessment_method"]["value"] == "registry"


def test_a_silent_registry_leaves_the_figures_pending_and_the_retry_fetches_them(
        shanghai, django_capture_on_commit_callbacks, settings):
    settings.TAX_DELIVERY_BACKOFF_S = 0.001
    unit, agent = shanghai
    with feeds.configure(error_rate=1.0), django_capture_on_commit_callbacks(execute=False):
        a = svc.assessment_open(actor=agent, employer=unit, collection_year=2026, has_disabled=True)
    with feeds.configure(error_rate=1.0):
        assert svc.registry_fetch(a.pk) is not None
    a = LevyAssessment.objects.get(pk=a.pk)
    assert (a.registry_state, a.registry_attempts) == ("pending", 1) and not a.figures_ready
    with pytest.raises(NotAllowed, match="正在从社保登记系统获取"):
        svc.assessment_confirm(actor=agent, assessment=a)
    LevyAssessment.objects.filter(pk=a.pk).update(registry_next_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    assert a.pk in svc.registry_fetches_to_sweep()
    svc.registry_fetch(a.pk)
    assert LevyAssessment.objects.get(pk=a.pk).registry_state == "fetched"


def test_a_missing_month_is_named_and_an_objection_fills_it(agent_for, django_capture_on_commit_callbacks):
    unit = unit_in("310104")
    registry_unit_for(unit, missing=(202503,))
    agent = agent_for(unit)
    tax = f.UserFactory(tax=True, region=f.region("310000"))
    a = opened(unit, agent, django_capture_on_commit_callbacks, has_disabled=False)
    view = assessment_view(a)
    assert view.totals.missing_months == (202503,) and "202503" in view.problems[0]
    rows = {m: {"base": "1600000.00", "capped_base": "1600000.00", "accounts": "200"} for m in MONTHS}
    zero = {"base": "0", "capped_base": "0"}
    changes = {c: zero for c in ("back_payment", "adjustment", "refund", "manual")}
    objection = objection_submit(actor=agent, assessment=a, kind="base", data={"months": rows, "changes": changes})
    a = LevyAssessment.objects.get(pk=a.pk)
    assert a.status == S.OBJECTION and objection.review_state == "pending"
    with pytest.raises(Conflict):
        objection_submit(actor=agent, assessment=a, kind="headcount", data={"accounts": {m: "1" for m in MONTHS}})
    objection_decide(actor=tax, objection=objection, approve=True)
    objection = Objection.objects.get(pk=objection.pk)
    a = LevyAssessment.objects.get(pk=a.pk)
    assert a.status == S.DRAFT and objection.review_state == "approved"
    assert objection.before["months"][2]["accounts"] is None and objection.decided["months"][2]["accounts"] == 200
    assert a.registry_figures["months"][2]["accounts"] is None  # the registry's answer is kept as it was
    assert objection.levy_before != objection.levy_after
    assert assessment_view(a).totals.missing_months == ()


def test_headcount_and_nature_objections_refused_and_approved(shanghai, django_capture_on_commit_callbacks):
    unit, agent = shanghai
    tax = f.UserFactory(tax=True, region=f.region("310000"))
    a = opened(unit, agent, django_capture_on_commit_callbacks)
    objection = objection_submit(actor=agent, assessment=a, kind="headcount",
                                 data={"accounts": {m: "300" for m in MONTHS}})
    with pytest.raises(ValidationFailed, match="理由"):
        objection_decide(actor=tax, objection=objection, approve=False)
    objection_decide(actor=tax, objection=objection, approve=False, reason="社保登记人数无误")
    a = LevyAssessment.objects.get(pk=a.pk)
    assert a.status == S.DRAFT and assessment_view(a).result.headcount == 200
    nature = objection_submit(actor=agent, assessment=a, kind="nature",
                              data={"is_business_registered": False, "is_concentrated": False}, files=[png()])
    assert nature.attachments.count() == 1
    objection_decide(actor=tax, objection=nature, approve=True)
    a = LevyAssessment.objects.get(pk=a.pk)
    assert a.is_business_registered is False and assessment_view(a).kind == "social_org"


def test_bad_objections_are_refused_beside_the_field_and_store_nothing(shanghai, django_capture_on_commit_callbacks):
    unit, agent = shanghai
    a = opened(unit, agent, django_capture_on_commit_callbacks)
    good = {m: {"base": "1600000.00", "capped_base": "1600000.00", "accounts": "200"} for m in MONTHS}
    zero = {c: {"base": "0", "capped_base": "0"} for c in ("back_payment", "adjustment", "refund", "manual")}
    cases = [
        ("base", {"months": {m: r for m, r in good.items() if m != 202507}, "changes": zero}, "base_202507"),
        ("base", {"months": {**good, 202501: {**good[202501], "base": "-1"}}, "changes": zero}, "base_202501"),
        ("base", {"months": {**good, 202502: {**good[202502], "base": "abc"}}, "changes": zero}, "base_202502"),
        ("base", {"months": {**good, 202504: {**good[202504], "base": "2000000000000"}}, "changes": zero},
         "base_202504"),
        ("base", {"months": {**good, 202505: {**good[202505], "capped_base": "9999999"}}, "changes": zero},
         "capped_202505"),
        ("base", {"months": good, "changes": {**zero, "refund": {"base": "5", "capped_base": "5"}}},
         "change_refund_base"),
        ("headcount", {"accounts": {m: "200" for m in MONTHS[:11]}}, "accounts_202512"),
        ("nature", {"is_business_registered": False}, "material"),
    ]
    for kind, data, field in cases:
        with pytest.raises(ValidationFailed) as caught:
            objection_submit(actor=agent, assessment=a, kind=kind, data=data)
        assert caught.value.field == field, (kind, caught.value.message)
    not_an_image = SimpleUploadedFile("执照.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(ValidationFailed, match="类型"):
        objection_submit(actor=agent, assessment=a, kind="nature", data={"is_business_registered": False},
                         files=[not_an_image])
    huge = SimpleUploadedFile("大图.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), content_type="image/png")
    with pytest.raises(ValidationFailed, match="过大"):
        objection_submit(actor=agent, assessment=a, kind="nature", data={"is_business_registered": False},
                         files=[huge])
    assert not Objection.objects.exists() and LevyAssessment.objects.get(pk=a.pk).status == S.DRAFT
    a = svc.assessment_assess(actor=agent, assessment=svc.assessment_confirm(actor=agent, assessment=a))
    with pytest.raises(Conflict, match="已核定"):
        objection_submit(actor=agent, assessment=a, kind="headcount", data={"accounts": {m: "1" for m in MONTHS}})


def test_only_a_tax_officer_of_the_units_tax_region_decides(shanghai, django_capture_on_commit_callbacks):
    unit, agent = shanghai
    a = opened(unit, agent, django_capture_on_commit_callbacks)
    objection = objection_submit(actor=agent, assessment=a, kind="headcount",
                                 data={"accounts": {m: "300" for m in MONTHS}})
    for outsider in (f.UserFactory(tax=True, region=f.region("210000")), f.UserFactory(reviewer=True,
                                                                                       region=f.region("310000")),
                     agent):
        with pytest.raises(NotAllowed):
            objection_decide(actor=outsider, objection=objection, approve=True)
    assert Objection.objects.get(pk=objection.pk).review_state == "pending"
