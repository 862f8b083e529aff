"""/api/v1/placement/declaration/…: the declaration, its summary, its requests and its actions
through the same services as the pages; employer-scoped; errors are 400/409 with Chinese messages."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from tests.placement.factories import DeclarationFactory, PersonFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/placement/declaration/"
IN_WINDOW = datetime.datetime(2026, 5, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@time_machine.travel(IN_WINDOW)
def test_an_agent_reads_confirms_the_headcount_and_submits_through_the_api(unit_a, owner, outsider, client_for):
    declaration = DeclarationFactory(employer=unit_a, business_year=2025)
    PersonFactory.create_batch(2, declaration=declaration, confirmed=True)
    client = client_for(owner)
    body = client.get(BASE + "?year=2025").json()
    assert body["status"] == "draft" and body["summary"]["total"] == 2
    assert body["filing_window"] == {"opens": "2026-03-16", "closes": "2026-10-31"}
    assert "请先确认本年度在职职工人数" in body["blockers"]

    bad = client.post(BASE + "headcount/", {"headcount": 80}, content_type="application/json")
    assert bad.status_code == 422 and "原因" in bad.content.decode()
    ok = client.post(BASE + "headcount/", {"headcount": 80, "reason": "社保无数据，按工资表"},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["headcount"] == 80

    submitted = client.post(BASE + "submit/", {"commitment_accepted": True}, content_type="application/json")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted" and submitted.json()["submission_receipt"]["reference"]
    again = client.post(BASE + "submit/", {"commitment_accepted": True}, content_type="application/json")
    assert again.status_code == 409 and "已完成申报" in again.content.decode()

    # the outsider sees only their own (empty) declaration
    theirs = client_for(outsider).get(BASE + "?year=2025").json()
    assert theirs["id"] != declaration.pk and theirs["summary"]["total"] == 0


def test_withdrawal_and_feedback_requests_through_the_api(unit_a, owner, client_for):
    DeclarationFactory(employer=unit_a, business_year=2025, certified=True)
    client = client_for(owner)
    assert client.post(BASE + "withdrawal/", {"reason": ""}, content_type="application/json").status_code == 400
    made = client.post(BASE + "withdrawal/?year=2025", {"reason": "认证结果有误"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["after_certification"] is True
    assert made.json()["receipt"]["reference"]
    feedback = client.post(BASE + "feedback/?year=2025", {
        "text": "3月应为有效", "files": [SimpleUploadedFile("说明.pdf", f.PDF_BYTES, content_type="application/pdf")]})
    assert feedback.status_code == 201, feedback.content
    assert feedback.json()["attachments"] == ["说明.pdf"]
    listed = client.get(BASE + "requests/?year=2025").json()
    assert len(listed["withdrawals"]) == 1 and len(listed["feedback"]) == 1 and listed["deregistrations"] == []


def test_the_declaration_endpoints_are_in_the_schema(client_for, owner):
    schema = client_for(owner).get("/api/schema/").content.decode()
    for path in ("/api/v1/placement/declaration/", "/api/v1/placement/declaration/submit/",
                 "/api/v1/placement/declaration/requests/", "/api/v1/placement/declaration/withdrawal/"):
        assert path in schema
