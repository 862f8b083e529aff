"""The employer's pages of the levy journey, through the test client (issue 16)."""

import pytest
from django.test import Client

from tests import factories as f
from tests.conftest import login
from tests.levy.conftest import certify_unit, counted, registry_unit_for, unit_in

pytestmark = pytest.mark.django_db


def test_a_shanghai_unit_goes_from_the_guide_to_the_receipt_through_the_pages(django_capture_on_commit_callbacks):
    unit = unit_in("310104")
    registry_unit_for(unit)
    certify_unit(unit, persons=[counted()])
    agent = f.AgentFactory(employer=unit).user
    c = login(Client(), agent)
    r = c.get("/levy/", follow=True)
    assert r.status_code == 200, r.content[:300]
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/levy/2026/start/", {"has_disabled": "yes"}, follow=True)
    assert "办理须知" in r.content.decode()
    r = c.post("/levy/2026/notice/", {"agree": "on"}, follow=True)
    body = r.content.decode()
    assert "征缴基数" in body, body[:2000]
    r = c.get("/levy/2026/objection/?kind=base")
    assert r.status_code == 200
    r = c.post("/levy/2026/confirm/", {}, follow=True)
    assert "残疾职工名册" in r.content.decode()
    r = c.post("/levy/2026/assess/", {"next": "1"}, follow=True)
    assert "应缴纳残保金金额" in r.content.decode(), r.content.decode()[:3000]
    r = c.post("/levy/2026/outcome/", {"submit": "1"}, follow=True)
    assert "统一审批编码" in r.content.decode()
    r = c.get("/levy/filings/")
    assert r.status_code == 200
    r = c.get("/api/v1/levy/assessments/2026/")
    assert r.status_code == 200 and r.json()["levy"] == "172800.00", r.json()
    r = Client().get("/levy/track/")
    assert r.status_code == 200
