"""Receipts with verification codes and the public verification page."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.receipts import receipt_cancel, receipt_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(unit_a, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return receipt_issue(
            kind="declaration_submit", title="年审申报回执", employer=unit_a, actor=owner,
            public_facts={"办理事项": "按比例就业年审申报", "业务年度": "2025", "单位名称": unit_a.name},
            details={"经办人": "王堃", "身份证号": "310104198001010017"},
        )


def test_a_code_verifies_on_the_public_page_without_personal_data(receipt):
    response = Client().get(reverse("receipt_verify"), {"code": receipt.verification_code.lower().replace("-", "")})
    body = response.content.decode()
    assert response.status_code == 200
    assert "真实有效" in body and receipt.reference in body and "年审申报回执" in body
    assert "王堃" not in body and "310104198001010017" not in body


def test_an_unknown_code_does_not_verify():
    body = Client().get(reverse("receipt_verify"), {"code": "AAAA-BBBB-CCCC"}).content.decode()
    assert "未找到验证码" in body and "badge-done" not in body


def test_a_cancelled_receipt_says_so(receipt, reviewer_sh):
    receipt_cancel(receipt=receipt, actor=reviewer_sh, reason="年审申报撤回")
    body = Client().get(reverse("receipt_verify"), {"code": receipt.verification_code}).content.decode()
    assert "已作废" in body and "年审申报撤回" in body


def test_the_receipt_pdf_is_rendered_and_its_owner_downloads_it(receipt, owner, outsider, client_for):
    document = receipt.document
    document.refresh_from_db()
    assert document.status == "ready" and receipt.reference.startswith("HZ")
    url = reverse("document_download", args=[document.pk])
    response = client_for(owner).get(url)
    assert response["Content-Type"] == "application/pdf"
    assert client_for(outsider).get(url).status_code == 404


def test_guessing_codes_is_throttled():
    client = Client()
    statuses = [client.get(reverse("receipt_verify"), {"code": f"AAAA-BBBB-{i:04d}"}).status_code for i in range(35)]
    assert statuses[:30] == [200] * 30 and statuses[-1] == 429
