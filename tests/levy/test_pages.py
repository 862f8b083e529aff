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


def test_track_without_login_needs_both_numbers_and_asks_a_captcha_after_failures(agent_for, settings):
    from captcha.models import CaptchaStore

    from levy.services import assessment as svc

    settings.LEVY_TRACK_FAILURES_BEFORE_CAPTCHA = 2
    unit = unit_in("210102", name="沈阳查询测试有限公司")
    a = svc.assessment_open(actor=agent_for(unit), employer=unit, collection_year=2026, has_disabled=False)
    anonymous = Client()
    ok = anonymous.post("/levy/track/", {"applicant": unit.name, "reference": a.reference}).content.decode()
    assert a.reference in ok and "残疾人就业保障金征缴" in ok and "待提交" in ok
    wrong_name = anonymous.post("/levy/track/", {"applicant": "别的单位", "reference": a.reference}).content.decode()
    assert "未检索到相关办件信息" in wrong_name and "别的单位" in wrong_name and "沈阳查询测试" not in wrong_name
    anonymous.post("/levy/track/", {"applicant": unit.name, "reference": "12345"})
    page = anonymous.get("/levy/track/").content.decode()
    assert "验证码" in page and "收听语音验证码" in page
    store = CaptchaStore.objects.latest("pk")
    assert anonymous.get(f"/levy/track/captcha/{store.hashkey}.png")["Content-Type"] == "image/png"
    refused = anonymous.post("/levy/track/", {"applicant": unit.name, "reference": a.reference,
                                              "captcha_key": store.hashkey, "captcha": "wrong"}).content.decode()
    assert "验证码不正确" in refused and "审批状态" not in refused  # a wrong captcha shows nothing
    store = CaptchaStore.objects.latest("pk")
    passed = anonymous.post("/levy/track/", {"applicant": unit.name, "reference": a.reference,
                                             "captcha_key": store.hashkey, "captcha": store.response})
    assert "申请信息" in passed.content.decode()
    assert Client(REMOTE_ADDR="10.0.0.9").get("/levy/track/").content.decode().count("captcha") == 0  # another address


def test_filings_list_the_units_own_filings_only(agent_for):
    from levy.services import assessment as svc

    mine, theirs = unit_in("210102"), unit_in("210102")
    a = svc.assessment_open(actor=agent_for(mine), employer=mine, collection_year=2026, has_disabled=False)
    b = svc.assessment_open(actor=agent_for(theirs), employer=theirs, collection_year=2026, has_disabled=False)
    page = login(Client(), mine.agents.first().user).get("/levy/filings/").content.decode()
    assert a.reference in page and b.reference not in page


def test_declared_pages_show_errors_beside_the_field_and_keep_the_values(agent_for):
    from levy.services import assessment as svc

    unit = unit_in("210102")
    agent = agent_for(unit)
    svc.notice_agree(actor=agent, assessment=svc.assessment_open(actor=agent, employer=unit, collection_year=2026,
                                                                 has_disabled=False))
    client = login(Client(), agent)
    page = client.post("/levy/2026/confirm/", {"headcount": "12x", "wage_total": "-100", "calculate": "1"})
    body = page.content.decode()
    assert "<title>错误：" in body and "上年在职职工人数应为不小于0的整数" in body and 'value="12x"' in body
    page = client.post("/levy/2026/confirm/", {"headcount": "200", "wage_total": "20000000", "calculate": "1"},
                       follow=True)
    body = page.content.decode()
    assert "应补（退）费额" in body and "¥270,000.00" in body  # E9 (no certified persons: A = 0)
