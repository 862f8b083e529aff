"""The tax officers' levy console and API (issue 16): scoped by the unit's 税务主管部门 (404 outside
it), filters and totals, the objection decision page with its material, the export (masked,
formula-safe, audited), the tax API with the same tokens, and the payment channel's callback."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from levy.models import LevyAssessment, LevyPayment, Objection
from levy.services import assessment as svc
from levy.services.objection import objection_submit
from levy.services.payment import payment_request
from portal import feeds
from portal.models import AuditEntry
from portal.tokens import token_issue
from tests import factories as f
from tests.levy.conftest import certify_unit, counted, registry_unit_for, unit_in

pytestmark = pytest.mark.django_db
MONTHS = [202500 + m for m in range(1, 13)]


def submitted(unit, agent, *, persons=(), headcount=200, wages="20000000"):
    if persons:
        certify_unit(unit, headcount=headcount, persons=persons)
    a = svc.assessment_open(actor=agent, employer=unit, collection_year=2026, has_disabled=bool(persons))
    svc.notice_agree(actor=agent, assessment=a)
    svc.declared_figures_save(actor=agent, assessment=a, headcount=headcount, wage_total=wages)
    a = svc.assessment_assess(actor=agent, assessment=svc.assessment_confirm(actor=agent, assessment=a))
    return svc.assessment_submit(actor=agent, assessment=a)


@pytest.fixture
def world(agent_for, tax_sh):
    ln = unit_in("210102", name='=HYPERLINK("http://x","沈阳单位")')
    sh = unit_in("310104", name="上海单位")
    registry_unit_for(sh)
    a_ln = submitted(ln, agent_for(ln), persons=[counted(grade=3)])
    sh_agent = agent_for(sh)
    a_sh = svc.assessment_open(actor=sh_agent, employer=sh, collection_year=2026, has_disabled=False)
    LevyAssessment.objects.filter(pk=a_sh.pk).update(notice_agreed_at=datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC))
    a_sh = LevyAssessment.objects.get(pk=a_sh.pk)
    objection = objection_submit(actor=sh_agent, assessment=a_sh, kind="headcount",
                                 data={"accounts": {m: "150" for m in MONTHS}})
    return {"ln": a_ln, "sh": a_sh, "objection": objection, "sh_agent": sh_agent}


def test_a_shanghai_officer_sees_only_shanghai_units_and_decides_their_objections(client_for, tax_sh, world):
    client = client_for(tax_sh)
    page = client.get("/tax/levy/").content.decode()
    assert "上海单位" in page and "沈阳单位" not in page
    assert client.get(f"/tax/levy/{world['ln'].pk}/").status_code == 404
    detail = client.get(f"/tax/levy/objections/{world['objection'].pk}/")
    assert detail.status_code == 200 and "上年度在职职工平均人数有异议" in detail.content.decode()
    response = client.post(f"/tax/levy/objections/{world['objection'].pk}/", {"decision": "refuse", "reason": ""})
    assert "请填写不同意的理由" in response.content.decode()
    assert Objection.objects.get(pk=world["objection"].pk).review_state == "pending"
    client.post(f"/tax/levy/objections/{world['objection'].pk}/", {"decision": "approve"})
    assert Objection.objects.get(pk=world["objection"].pk).review_state == "approved"
    assert LevyAssessment.objects.get(pk=world["sh"].pk).status == "draft"


def test_filters_totals_and_the_list_query_count_does_not_grow(client_for, agent_for, world):
    admin = f.UserFactory(admin=True)
    client = client_for(admin)
    body = client.get("/tax/levy/?status=submitted").content.decode()
    assert "沈阳单位" in body and "上海单位" not in body and "180,000.00" in body

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/tax/levy/?year=2026").status_code == 200
        return len(queries)

    before = count()
    for _ in range(3):
        unit = unit_in("210102")
        submitted(unit, agent_for(unit), headcount=40, wages="4000000")
    assert count() == before


def test_the_export_is_masked_formula_safe_and_audited(client_for, world):
    admin = f.UserFactory(admin=True)
    response = client_for(admin).get("/tax/levy/export/?year=2026")
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "统一审批编码" and len(rows) == 3
    hostile = next(i for i, r in enumerate(rows) if str(r[2]).startswith("=HYPERLINK"))
    assert sheet.cell(row=hostile + 1, column=3).data_type == "s"  # text, never a live formula
    assert AuditEntry.objects.filter(action="levy.assessments_export").exists()


def test_the_tax_api_with_a_token_and_the_channel_callback(admin_user, world, agent_for,
                                                          django_capture_on_commit_callbacks):
    _token, sh_key = token_issue(actor=admin_user, name="上海税务", region=f.region("310000"))
    _token, ln_key = token_issue(actor=admin_user, name="辽宁税务", region=f.region("210000"))
    api = APIClient()
    assert api.get("/api/v1/tax/levy-assessments").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {sh_key}")
    body = api.get("/api/v1/tax/levy-assessments").json()
    assert [r["unit_name"] for r in body["results"]] == ["上海单位"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {ln_key}")
    body = api.get("/api/v1/tax/levy-assessments?status=submitted").json()
    assert body["count"] == 1 and body["results"][0]["levy"] == "180000.00"
    # the callback: an order of a Liaoning unit paid
    agent = world["ln"].employer.agents.first().user
    with feeds.configure(settle_delay_s=3600), django_capture_on_commit_callbacks(execute=True):
        payment = payment_request(actor=agent, assessment=world["ln"], method="transfer")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {sh_key}")  # another region's token: unknown to it
    assert api.post("/api/v1/levy/payments/notify", {"reference": payment.reference, "status": "paid"},
                    format="json").status_code == 422
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {ln_key}")
    assert api.post("/api/v1/levy/payments/notify", {"reference": "JFNOPE", "status": "paid"},
                    format="json").status_code == 422
    ok = api.post("/api/v1/levy/payments/notify", {"reference": payment.reference, "status": "paid",
                                                   "bank_reference": "YH1"}, format="json")
    assert ok.status_code == 200 and ok.json()["assessment_status"] in ("paid", "paid_late")
    again = api.post("/api/v1/levy/payments/notify", {"reference": payment.reference, "status": "paid"},
                     format="json")
    assert again.status_code == 409
    assert LevyPayment.objects.get(pk=payment.pk).bank_reference == "YH1"
    assert LevyAssessment.objects.get(pk=world["ln"].pk).paid_amount >= Decimal("180000.00")
