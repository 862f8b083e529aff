"""The employer's declaration pages (issue 7): 首页, 安置人员列表 (actions, summary, search, query
count), 完成申报 with the 承诺书, the requests and the downloads."""

import datetime
import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from placement import choices as c
from placement.models import AnnualDeclaration, PlacedPerson
from portal.pdf import render_pdf
from portal.receipts import receipt_issue
from tests import factories as f
from tests.conftest import require_poppler, skip_or_fail
from tests.placement.factories import DeclarationFactory, PersonFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
IN_WINDOW = datetime.datetime(2026, 10, 21, 10, 0, tzinfo=SH)  # 10 days before Shanghai's 10-31


@pytest.fixture
def declaration(unit_a):
    return DeclarationFactory(employer=unit_a, business_year=2025, headcount_confirmed=True)


def _list_queries(client):
    client.get("/placement/?year=2025")  # the first visit saves the chosen year in the session: not a row cost
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/placement/?year=2025").status_code == 200
    return len(ctx.captured_queries)


def test_the_person_lists_query_count_does_not_grow_with_rows(declaration, owner, client_for):
    client = client_for(owner)
    PersonFactory.create_batch(2, declaration=declaration, confirmed=True)
    few = _list_queries(client)
    PersonFactory.create_batch(18, declaration=declaration, confirmed=True)
    PersonFactory.create_batch(3, declaration=declaration, partially_rejected=True)
    assert _list_queries(client) == few


def test_the_list_shows_the_summary_the_status_help_and_the_actions_each_status_allows(declaration, owner,
                                                                                       client_for):
    partial = PersonFactory(declaration=declaration, partially_rejected=True, name="部分人")
    PersonFactory(declaration=declaration, rejected=True)
    PersonFactory(declaration=declaration, confirmed=True)
    html = client_for(owner).get("/placement/?year=2025").content.decode()
    assert "已登记 <strong>3</strong> 人" in html and "部分审核不通过 <strong>1</strong> 人" in html
    for text in c.PERSON_STATUS_HELP.values():
        assert text in html
    assert f"/placement/persons/{partial.pk}/accept/" in html
    assert html.count("接受审核结果<span") == 1 and html.count("重新登记<span") == 3
    assert "导入上一年申报名单" in html and "完成申报" in html


def test_the_list_searches_by_full_id_or_name_only(declaration, owner, client_for):
    person = PersonFactory(declaration=declaration, name="张三丰")
    PersonFactory(declaration=declaration, name="李四")
    client = client_for(owner)
    assert "李四" not in client.get(f"/placement/?q={person.id_number}").content.decode()
    assert "张三丰" in client.get(f"/placement/?q={person.id_number}").content.decode()
    assert "张三丰" not in client.get(f"/placement/?q={person.id_number[:10]}").content.decode()
    assert "张三丰" in client.get("/placement/?q=三丰").content.decode()


def test_accept_re_register_and_delete_from_the_list(declaration, owner, client_for):
    client = client_for(owner)
    partial = PersonFactory(declaration=declaration, partially_rejected=True)
    rejected = PersonFactory(declaration=declaration, rejected=True)
    other = PersonFactory(declaration=declaration, rejected=True)
    assert client.post(f"/placement/persons/{partial.pk}/accept/").status_code == 302
    assert PlacedPerson.objects.get(pk=partial.pk).status == c.PersonStatus.CONFIRMED
    client.post(f"/placement/persons/{rejected.pk}/re-register/")
    assert PlacedPerson.objects.get(pk=rejected.pk).status == c.PersonStatus.INCOMPLETE
    client.post(f"/placement/persons/{other.pk}/delete/")
    assert not PlacedPerson.objects.filter(pk=other.pk).exists()


def test_a_colleague_may_act_and_an_outsider_gets_404(declaration, colleague, outsider, client_for):
    person = PersonFactory(declaration=declaration, partially_rejected=True)
    assert client_for(outsider).post(f"/placement/persons/{person.pk}/accept/").status_code == 404
    assert client_for(colleague).post(f"/placement/persons/{person.pk}/accept/").status_code == 302
    assert PlacedPerson.objects.get(pk=person.pk).status == c.PersonStatus.CONFIRMED


@time_machine.travel(IN_WINDOW)
def test_the_home_page_shows_progress_counters_ratio_chart_window_and_return_reason(declaration, owner,
                                                                                   client_for):
    PersonFactory.create_batch(2, declaration=declaration, confirmed=True)
    AnnualDeclaration.objects.filter(pk=declaration.pk).update(return_reason="请补充3月工资凭证")
    html = client_for(owner).get("/").content.decode()
    assert 'aria-current="step">按比例安置登记' in html
    assert "还剩 10 天" in html and "2026-03-16至2026-10-31" in html
    assert "安置情况分析" in html and "<svg" in html and 'class="bar-confirmed"' in html
    assert "申报已被退回" in html and "请补充3月工资凭证" in html
    assert "1.50%" in html  # Shanghai's required ratio
    assert "实际安排比例" in html


@time_machine.travel(IN_WINDOW)
def test_submitting_on_the_page_shows_the_reference_and_what_happens_next(declaration, owner, client_for):
    PersonFactory.create_batch(2, declaration=declaration, confirmed=True)
    client = client_for(owner)
    page = client.get("/placement/submit/").content.decode()
    assert "申报资料真实性承诺书" in page and declaration.employer.name in page
    missing = client.post("/placement/submit/", {})
    assert "请阅读并勾选确认" in missing.content.decode()
    assert "确定完成2025年度申报吗" not in missing.content.decode()  # told what is wrong, not asked to confirm
    asked = client.post("/placement/submit/", {"commitment": "on"}).content.decode()
    assert "确定完成2025年度申报吗" in asked and AnnualDeclaration.objects.get(pk=declaration.pk).is_draft
    done = client.post("/placement/submit/", {"commitment": "on", "confirmed": "1"}, follow=True)
    declaration = AnnualDeclaration.objects.get(pk=declaration.pk)
    assert declaration.status == c.DeclarationStatus.SUBMITTED
    html = done.content.decode()
    assert declaration.submission_receipt.reference in html and "接下来" in html
    second = client.post("/placement/submit/", {"commitment": "on", "confirmed": "1"}, follow=True)  # a second tab
    assert "申报回执" in second.content.decode()


@time_machine.travel(IN_WINDOW)
def test_the_submit_page_lists_what_blocks_submission(declaration, owner, client_for):
    PersonFactory(declaration=declaration, pending_review=True)
    client = client_for(owner)
    assert "待残联审核" in client.get("/placement/submit/").content.decode()
    refused = client.post("/placement/submit/", {"commitment": "on"}).content.decode()
    assert "不能完成申报" in refused
    assert "确定完成2025年度申报吗" not in refused  # validate first, confirm last (issue 15)
    assert AnnualDeclaration.objects.get(pk=declaration.pk).is_draft


@time_machine.travel(IN_WINDOW)
def test_the_home_page_shows_the_prefilled_headcount_as_pending_and_what_to_do_next(unit_a, owner, client_for):
    """Issue 15: the social-insurance figure and the ratio it gives, marked 待确认, and the to-do list."""
    declaration = DeclarationFactory(employer=unit_a, business_year=2025, headcount=64, headcount_from_feed=64)
    PersonFactory.create_batch(3, declaration=declaration, confirmed=True)
    PersonFactory(declaration=declaration, pending_review=True)
    PersonFactory(declaration=declaration)
    html = client_for(owner).get("/?year=2025").content.decode()
    assert "64 人" in html and "社保登记人数，待确认" in html
    assert "12.50%" in html and "按社保登记人数计算，待确认" in html  # the approved months (肢体二级 × 2) ÷ 64
    assert "接下来要做什么" in html
    assert "1 名人员资料待完善" in html and "1 名人员待残联审核" in html
    assert "确认本年度在职职工人数（社保登记 64 人，待确认）" in html
    assert "还剩 10 天" in html


@time_machine.travel(IN_WINDOW)
def test_the_next_steps_offer_each_rejection_only_the_actions_its_state_allows(declaration, owner, client_for):
    """A fully rejected person cannot 接受审核结果 (only a partial rejection can be accepted); the
    next steps told both to do it."""
    PersonFactory(declaration=declaration, partially_rejected=True)
    PersonFactory.create_batch(2, declaration=declaration, rejected=True)
    client = client_for(owner)
    with CaptureQueriesContext(connection) as home:
        html = client.get("/?year=2025").content.decode()
    assert "1 名人员部分审核不通过，请“接受审核结果”或“重新登记”" in html
    assert "2 名人员审核不通过，请“删除”或“重新登记”" in html
    # the persons' statuses are read once, for the totals and these counts alike (issue 20)
    assert sum('FROM "placement_placedperson"' in q["sql"] for q in home.captured_queries) == 1
    # the months' checks are counted by person on their own, not joined through the person: that
    # join read every check in the database (issue 20)
    sqls = [q["sql"] for q in home.captured_queries]
    assert any(sql.startswith('SELECT "placement_monthcheck"') and '"placement_monthcheck"."person_id" IN' in sql
               for sql in sqls)
    assert not any('JOIN "placement_monthcheck"' in sql for sql in sqls)


@time_machine.travel(datetime.datetime(2026, 11, 5, 10, 0, tzinfo=SH))
def test_after_the_window_closes_the_home_page_says_how_to_file_late(declaration, owner, client_for):
    PersonFactory(declaration=declaration, confirmed=True)
    html = client_for(owner).get("/?year=2025").content.decode()
    assert "本年度申报时间已截止" in html and "补报" in html
    # said once (the next steps said it again), with whom to call
    assert html.count("如需补报") == 1 and "残疾人联合会，服务热线：12385" in html
    assert 'class="button button-primary" href="/placement/submit/"' not in html
    assert 'class="button" href="/placement/submit/"' in html


@time_machine.travel(IN_WINDOW)
def test_a_ready_year_is_told_to_file_with_the_days_left(declaration, owner, client_for):
    PersonFactory(declaration=declaration, confirmed=True)
    html = client_for(owner).get("/?year=2025").content.decode()
    assert "人员已全部审核确认，请阅读承诺书并完成申报，申报截止还剩 10 天" in html
    assert 'class="button button-primary" href="/placement/submit/"' in html


def test_the_headcount_page_confirms_or_corrects_with_a_reason(declaration, owner, client_for):
    client = client_for(owner)
    assert "请填写更正原因" not in client.get("/placement/headcount/").content.decode()
    before = AnnualDeclaration.objects.get(pk=declaration.pk).headcount
    refused = client.post("/placement/headcount/", {"headcount": 90}).content.decode()
    assert "请填写更正原因" in refused and "错误" in refused
    assert AnnualDeclaration.objects.get(pk=declaration.pk).headcount == before
    client.post("/placement/headcount/", {"headcount": 90, "reason": "年中合并子公司"})
    assert AnnualDeclaration.objects.get(pk=declaration.pk).headcount == 90


def test_the_commitment_pdf_names_the_unit_and_year_and_its_text_is_chinese(declaration, owner, client_for,
                                                                             django_capture_on_commit_callbacks):
    html, data = render_pdf("pdf/commitment.html", {"title": "申报资料真实性承诺书", "unit_name": "上海甲单位有限公司",
                                                     "credit_code": "91310104MA1FL3X8Q", "business_year": 2025,
                                                     "today": "2026年05月01日"})
    assert "<h1>申报资料真实性承诺书</h1>" in html and "上海甲单位有限公司" in html and "2025年度" in html
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):  # issued once, rendered by its task
        first = client.get("/placement/commitment.pdf")
    assert client.get("/placement/commitment.pdf")["Location"] == first["Location"]  # stored, not issued again
    response = client.get(first["Location"])
    data = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf" and data.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        skip_or_fail("poppler-utils is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    text = text.decode()
    assert "申报资料真实性承诺书" in text and declaration.employer.name in text


def test_the_deregistration_form_is_prefilled_and_the_request_is_submitted(declaration, owner, client_for,
                                                                           django_capture_on_commit_callbacks):
    require_poppler()
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):  # issued once, rendered by its task
        form = client.get("/placement/requests/deregistration/form.pdf")
    pdf = b"".join(client.get(form["Location"]).streaming_content)
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    assert declaration.employer.credit_code in text.decode()
    empty = client.post("/placement/requests/deregistration/", {"reason": "单位注销"}).content.decode()
    assert "请上传盖章后的注销业务申请书" in empty
    done = client.post("/placement/requests/deregistration/", {
        "reason": "单位注销", "signed_form": SimpleUploadedFile("申请书.pdf", f.PDF_BYTES, content_type="application/pdf"),
    }, follow=True).content.decode()
    assert "单位注销安置登记已提交" in done and "回执编号" in done


def test_withdrawal_and_feedback_pages(unit_a, owner, client_for):
    DeclarationFactory(employer=unit_a, business_year=2025, certified=True)
    client = client_for(owner)
    assert "请填写撤回理由" in client.post("/placement/requests/withdrawal/", {"reason": ""}).content.decode()
    done = client.post("/placement/requests/withdrawal/", {"reason": "漏报"}, follow=True).content.decode()
    assert "年审申报撤回申请已提交" in done and "漏报" in done and "（认证后）" in done
    fb = client.post("/placement/requests/feedback/", {
        "text": "3月应为有效", "files": [SimpleUploadedFile("a.pdf", f.PDF_BYTES, content_type="application/pdf")],
    }, follow=True).content.decode()
    assert "年审认证反馈已提交" in fb and "a.pdf" in fb


def test_the_certificate_downloads_once_certified(unit_a, owner, client_for):
    declaration = DeclarationFactory(employer=unit_a, business_year=2025, submitted=True)
    client = client_for(owner)
    assert client.get("/placement/certificate/").status_code == 302
    receipt = receipt_issue(kind="placement_certificate", title="残疾人按比例就业情况审核认定书", employer=unit_a,
                            public_facts={"单位": unit_a.name})
    AnnualDeclaration.objects.filter(pk=declaration.pk).update(status="certified", certificate=receipt)
    response = client.get("/placement/certificate/")
    assert response.status_code == 302 and response["Location"] == f"/documents/{receipt.document_id}/"


def test_importing_last_years_list_on_the_page(unit_a, owner, client_for):
    old = PersonFactory(declaration=DeclarationFactory(employer=unit_a, business_year=2024), confirmed=True)
    DeclarationFactory(employer=unit_a, business_year=2025)
    client = client_for(owner)
    assert old.name in client.get("/placement/import/?year=2025").content.decode()
    client.post("/placement/import/", {"persons": [old.pk]})
    imported = PlacedPerson.objects.get(declaration__business_year=2025)
    assert imported.name == old.name and imported.status == c.PersonStatus.INCOMPLETE


def test_the_list_of_an_empty_year_and_a_search_without_hits_say_what_to_do(declaration, owner, client_for):
    client = client_for(owner)
    assert "请点击“添加残疾人”开始登记" in client.get("/placement/").content.decode()
    PersonFactory(declaration=declaration, name="王五")
    assert "没有找到“赵六”" in client.get("/placement/?q=赵六").content.decode()


def test_pages_never_wait_for_a_registry_the_headcount_is_fetched_in_the_background(
        unit_a, owner, client_for, monkeypatch, django_capture_on_commit_callbacks):
    """Regression (issue 13, point 9): 完成申报 and 在职职工人数 asked the social-insurance registry
    while the page loaded. Pages now only queue the fetch; until it answers they say 待确认."""
    import placement.registry

    DeclarationFactory(employer=unit_a, business_year=2025)  # started, its registry figure not fetched yet
    asked = []
    monkeypatch.setattr(placement.registry, "get_feeds", lambda: asked.append("page") or (_ for _ in ()).throw(
        AssertionError("a page asked a registry")))
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        for url in ("/", "/placement/submit/", "/placement/headcount/"):
            response = client.get(url, {"year": 2025})
            assert response.status_code == 200 and "待确认" in response.content.decode(), url
    assert asked == [] and queued  # the pages queued the fetch and asked nothing themselves


def test_a_certificate_number_is_never_html_on_the_list(declaration, owner, client_for):
    """Regression (issue 14, point 11): the list marked the masked certificate number safe; a
    military certificate number is typed by the agent, so it was a stored injection."""
    person = PersonFactory(declaration=declaration, confirmed=True)
    person.certificates.update(number='<img src=x onerror=alert(1)>')
    page = client_for(owner).get("/placement/?year=2025").content.decode()
    assert "<img s" not in page and "&lt;img s" in page  # masked, and escaped


def test_viewing_a_year_never_files_it(unit_a, owner, client_for):
    """Regression (issue 14, point 4): choosing 业务年度 2024 on 首页 created a 2024 draft, which then
    read 进行中 with an active 完成申报. Viewing reads 未申报; the first write files the year."""
    client = client_for(owner)
    for url in ("/", "/placement/", "/placement/submit/", "/placement/headcount/", "/placement/requests/",
                "/placement/import/", "/api/v1/placement/declaration/"):
        assert client.get(url, {"year": 2024}).status_code == 200, url
    assert not AnnualDeclaration.objects.filter(employer=unit_a).exists()
    home = client.get("/", {"year": 2024}).content.decode()
    assert "未申报" in home and "完成申报</a>" not in home
    api = client.get("/api/v1/placement/declaration/", {"year": 2024}).json()
    assert (api["id"], api["started"], api["status_label"]) == (None, False, "未申报")
    client.post("/placement/headcount/?year=2024", {"headcount": 80, "reason": "社保暂无登记"})
    assert AnnualDeclaration.objects.get(employer=unit_a, business_year=2024).headcount == 80


def test_the_list_deletes_the_ticked_persons_at_once(declaration, owner, client_for):
    """Issue 15, point 9: the manual's checkbox column with 删除所选."""
    keep, *gone = PersonFactory.create_batch(3, declaration=declaration, confirmed=True)
    stranger = PersonFactory(confirmed=True)  # another unit's person: never touched
    client = client_for(owner)
    page = client.get("/placement/?year=2025").content.decode()
    assert 'data-check-all="persons"' in page and "删除所选" in page
    response = client.post("/placement/persons/delete/?year=2025",
                           {"persons": [p.pk for p in gone] + [stranger.pk]}, follow=True)
    assert "已删除所选的 2 人" in response.content.decode()
    assert set(PlacedPerson.objects.values_list("pk", flat=True)) == {keep.pk, stranger.pk}
    nothing = client.post("/placement/persons/delete/?year=2025", {}, follow=True).content.decode()
    assert "请先勾选要删除的人员" in nothing


def test_a_filed_year_deletes_no_one(unit_a, owner, client_for):
    declaration = DeclarationFactory(employer=unit_a, business_year=2025, submitted=True, persons=0)
    person = PersonFactory(declaration=declaration, confirmed=True)
    client = client_for(owner)
    assert 'data-check-all="persons"' not in client.get("/placement/?year=2025").content.decode()
    response = client.post("/placement/persons/delete/?year=2025", {"persons": [person.pk]}, follow=True)
    from placement.predicates import NOT_DRAFT

    assert NOT_DRAFT in response.content.decode()  # the service's own refusal, said on the list
    assert PlacedPerson.objects.filter(pk=person.pk).exists()


@time_machine.travel(IN_WINDOW)
def test_the_submission_receipt_gives_the_federations_phone(declaration, owner, client_for):
    """Issue 15, point 8: the unit knows whom to call about its receipt."""
    from django.template.loader import render_to_string

    PersonFactory(declaration=declaration, confirmed=True)
    client_for(owner).post("/placement/submit/", {"commitment": "on", "confirmed": "1"})
    document = AnnualDeclaration.objects.get(pk=declaration.pk).submission_receipt.document
    assert "服务热线：12385" in document.context["contact"]
    assert "服务热线：12385" in render_to_string(document.template, document.context)


@time_machine.travel(IN_WINDOW)
def test_the_home_page_reads_the_region_and_its_policy_once_and_builds_no_person(declaration, owner, client_for):
    """Issue 20: 首页 read the region three times and the rule table twice (ratio, weight rule,
    window asked separately), and built and decrypted every person to count months. The region's
    path and policy rows are reference data: read once, then from the cache (portal.reference)."""
    from django.core.cache import cache

    PersonFactory.create_batch(3, declaration=declaration, confirmed=True)
    client = client_for(owner)
    client.get("/")
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/").content.decode()
    with CaptureQueriesContext(connection) as cached:
        assert "1.50%" in client.get("/").content.decode()
    sql = [q["sql"] for q in captured.captured_queries]
    assert sum(s.startswith('SELECT "portal_region"."path" AS "path" FROM') for s in sql) == 1
    assert sum('FROM "levy_policyrule"' in s for s in sql) == 1
    assert sum('FROM "levy_filingwindow"' in s for s in sql) == 1
    assert not any('FROM "levy_socialaveragewage"' in s for s in sql)  # a ratio needs no 社平
    assert not any(s.startswith('SELECT "placement_placedperson"."id", "placement_placedperson"."declaration_id"')
                   for s in sql)  # the totals read ids, not person rows
    assert "安置情况分析" in html and "1.50%" in html
    assert not [q for q in cached.captured_queries
                if any(t in q["sql"] for t in ('"portal_region"."path" FROM', "levy_policyrule", "levy_filingwindow"))]
    assert len(cached.captured_queries) == len(captured.captured_queries) - 3


@time_machine.travel(IN_WINDOW)
def test_the_home_page_asks_the_registry_for_the_headcount_at_most_every_ten_minutes(
        unit_a, owner, client_for, django_capture_on_commit_callbacks):
    """Issue 20: 首页 queued a registry call on every view while the unit had no registry figure."""
    DeclarationFactory(employer=unit_a, business_year=2025, headcount=None, headcount_from_feed=None)
    client = client_for(owner)
    with django_capture_on_commit_callbacks() as first:
        client.get("/?year=2025")
    with django_capture_on_commit_callbacks() as again:
        client.get("/?year=2025")
    assert len(first) == 1 and len(again) == 0


@time_machine.travel(IN_WINDOW)
def test_the_home_page_and_the_check_answers_page_name_the_same_open_matters(unit_a, owner, client_for):
    """Both pages word each matter once (predicates.open_matters); they differed in wording and
    one could list what the other did not."""
    declaration = DeclarationFactory(employer=unit_a, business_year=2025, headcount=64, headcount_from_feed=64)
    PersonFactory(declaration=declaration)
    PersonFactory(declaration=declaration, pending_review=True)
    PersonFactory(declaration=declaration, partially_rejected=True)
    PersonFactory(declaration=declaration, rejected=True)
    client = client_for(owner)
    home, submit = (client.get(path).content.decode() for path in ("/?year=2025", "/placement/submit/"))
    matters = ["1 名人员资料待完善（未完成登记或缺少证明材料），请继续登记或删除",
               "1 名人员部分审核不通过，请“接受审核结果”或“重新登记”", "1 名人员审核不通过，请“删除”或“重新登记”",
               "1 名人员待残联审核，无需操作，请等待审核结果通知", "请先确认本年度在职职工人数（社保登记 64 人，待确认）"]
    for text in matters:
        assert text in home and text in submit, text
