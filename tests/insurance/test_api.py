"""/api/v1/insurance/: the unit's codes, a batch created, the template, the roster uploaded: 400
with every bad row ({"row", "column", "message"}; a file-level problem has no row) or 201."""

import io

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from insurance.models import InsuranceBatch
from tests.insurance.factories import SH_RETIREES, BatchFactory, at, demo_roster_rows, roster_xlsx, xlsx_file


@pytest.fixture
def api(sh_agent):
    client = APIClient()
    client.force_authenticate(sh_agent)
    return client


def test_the_units_codes(api, sh_code, other_unit):
    from tests.insurance.factories import CodeFactory

    CodeFactory(employer=other_unit)
    assert [c["code"] for c in api.get(reverse("api_insurance_codes")).json()] == ["31000023"]


def test_a_batch_is_created_with_its_payment_method(api, sh_code):
    with at(2027, 5, 20):
        response = api.post(reverse("api_insurance_batches"), {"code": "31000023", "type": "central",
                                                                "payment_method": "withholding",
                                                                "withholding_amount": "300"}, format="multipart")
    assert response.status_code == 201, response.json()
    batch = InsuranceBatch.objects.get(pk=response.json()["id"])
    assert (batch.kind, batch.payment_method, str(batch.withholding_amount)) == ("central", "withholding", "300.00")


@pytest.mark.parametrize("moment,body,status,field", [
    ((2026, 12, 6), {"code": "31000023", "type": "central"}, 409, None),
    ((2027, 5, 20), {"code": "99999999", "type": "central"}, 422, "code"),
    ((2027, 5, 20), {"code": "31000023", "type": "central", "payment_method": "withholding",
                     "withholding_amount": "451"}, 422, "withholding_amount"),
])
def test_a_refused_batch_says_why(api, sh_code, moment, body, status, field):
    with at(*moment):
        response = api.post(reverse("api_insurance_batches"), body, format="multipart")
    assert response.status_code == status
    if field:
        assert field in response.json()["errors"]
    assert not InsuranceBatch.objects.exists()


def test_the_roster_template_is_the_manuals_six_columns(api):
    response = api.get(reverse("api_insurance_roster_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["*姓名", "*证件类型（身份证、非身份证）", "*证件号码",
                                           "出生日期（非身份证类型必填，格式如1990-01-01）", "性别（非身份证类型必填）",
                                           "*手机号（有效手机号需达到50%以上）"]


def test_a_bad_roster_answers_400_with_every_row(api, sh_code):
    batch = BatchFactory(code=sh_code)
    rows = [*demo_roster_rows("sh-ret-clean"), ("张三", "身份证", "310104195601010011", None, None, "021"),
            ("李四", "护照", "E123", None, None, "022")]
    response = api.post(reverse("api_insurance_roster", args=[batch.pk]),
                        {"file": xlsx_file(roster_xlsx(rows))}, format="multipart")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {(e.get("row"), e["column"]) for e in errors} >= {(3, "*证件号码"), (4, "*证件类型（身份证、非身份证）")}
    assert any("row" not in e and "50%" in e["message"] for e in errors)
    assert not batch.members.exists()


def test_a_good_roster_answers_201_with_the_count(api, sh_code):
    batch = BatchFactory(code=sh_code)
    response = api.post(reverse("api_insurance_roster", args=[batch.pk]),
                        {"file": xlsx_file(roster_xlsx(demo_roster_rows(*SH_RETIREES)))}, format="multipart")
    assert response.status_code == 201 and response.json()["member_count"] == 8


def test_another_units_batch_is_a_404(api, other_unit):
    batch = BatchFactory(employer=other_unit, code__employer=other_unit)
    response = api.post(reverse("api_insurance_roster", args=[batch.pk]),
                        {"file": xlsx_file(roster_xlsx(demo_roster_rows("sh-ret-clean")))}, format="multipart")
    assert response.status_code == 404
    assert api.get(reverse("api_insurance_batch", args=[batch.pk])).status_code == 404
