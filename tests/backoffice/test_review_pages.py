"""The reviewer console's pages (issue 8): region scoping, the decision page and its conflicts,
revealing an ID number, the queues' filters and their query counts."""

import re

import pytest
from django.urls import reverse

from placement import choices as c
from placement.models import PlacedPerson
from portal.models import AuditEntry, Notice
from tests import factories as f
from tests.placement.factories import flagged_person

S = c.PersonStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def person(sh_unit, sh_agent, django_capture_on_commit_callbacks):
    return flagged_person(sh_unit, sh_agent, capture=django_capture_on_commit_callbacks)


@pytest.fixture
def reviewer_xuhui(db):
    return f.UserFactory(reviewer=True, region=f.region("310104"), full_name="徐汇区审核员")


def decide_data(person, invalid=()):
    data = {"decide": "1"}
    for m in person.months.filter(selected=True).values_list("month", flat=True):
        data[f"decision_{m}"] = "invalid" if m in invalid else "valid"
        if m in invalid:
            data[f"reason_choice_{m}"] = "该月无本单位或合同约定单位的社会保险缴费记录"
    return data


def test_a_reviewer_of_another_region_gets_404_and_an_employer_403(person, client_for, reviewer_ln, sh_agent,
                                                                   reviewer_xuhui):
    url = reverse("backoffice:person_review", args=[person.pk])
    assert client_for(reviewer_ln).get(url).status_code == 404
    assert client_for(reviewer_ln).post(url, decide_data(person)).status_code == 404
    assert client_for(sh_agent).get(url).status_code == 403
    assert client_for(sh_agent).get(reverse("backoffice:person_queue")).status_code == 403
    assert client_for(reviewer_xuhui).get(url).status_code == 200  # 徐汇区 lies in their region
    queue = client_for(reviewer_ln).get(reverse("backoffice:person_queue"))
    assert person.name not in queue.content.decode()


def test_the_queue_shows_the_person_with_the_flagged_check_and_filters_by_it(person, client_for, reviewer_sh):
    client = client_for(reviewer_sh)
    url = reverse("backoffice:person_queue")
    page = client.get(url).content.decode()
    assert person.name in page and "社保参保状态" in page
    assert person.name not in client.get(url, {"check": "wage"}).content.decode()
    assert person.name in client.get(url, {"check": "si"}).content.decode()
    assert person.name in client.get(url, {"q": person.id_number}).content.decode()
    assert person.name in client.get(url, {"q": "浦江精密"}).content.decode()
    assert person.name not in client.get(url, {"q": person.id_number[:10]}).content.decode()  # no partial numbers
    assert person.name not in client.get(url, {"region": "210102"}).content.decode()
    assert person.name not in client.get(url, {"status": "confirmed"}).content.decode()


def test_the_dashboard_counts_the_waiting_person(person, client_for, reviewer_sh):
    page = client_for(reviewer_sh).get(reverse("home")).content.decode()
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*安置登记审核（待审核人员）(?:(?!</tr>).)*</tr>", page, re.S)
    assert row and re.search(r">\s*1\s*<", row.group(0)), page
    # 已等待 in the words every queue uses (3天5小时, 不到1分钟), not |timesince's “0 分钟”
    assert re.search(r"<td>(不到1|\d+)分钟</td>", row.group(0)), row.group(0)
    assert "无待办" in page  # a queue with nothing in it


def test_deciding_on_the_page_rejects_one_month_notifies_the_unit_and_shows_who_decided(
        person, client_for, reviewer_sh):
    client = client_for(reviewer_sh)
    url = reverse("backoffice:person_review", args=[person.pk])
    page = client.get(url).content.decode()
    assert "另由" not in page and "查看材料" in page and 'name="decision_3"' in page
    response = client.post(url, decide_data(person, invalid={3}))
    assert response.status_code == 302
    assert PlacedPerson.objects.get(pk=person.pk).status == S.PARTIALLY_REJECTED
    assert Notice.objects.filter(employer=person.declaration.employer, title__contains="资料审核完成通知").exists()
    reopened = client.get(url).content.decode()
    assert "上海审核员" in reopened and "无效" in reopened and 'name="decision_3"' not in reopened
    assert "安置登记审核：有效11个月，无效1个月" in reopened  # the timeline


def test_the_review_page_reads_the_audit_log_once_and_the_items_under_review_off_its_own_rows(
        person, client_for, reviewer_sh):
    """Issue 20: the decided person's page asked the audit log three times (the stamp twice, once to
    compose a refusal nobody reads) and asked again, with two EXISTS, whether a hand-added
    certificate or a dispatch agreement waits, though it had loaded both."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(reviewer_sh)
    url = reverse("backoffice:person_review", args=[person.pk])
    client.post(url, decide_data(person, invalid={3}))
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    reads = [q["sql"] for q in captured.captured_queries]
    assert sum(1 for sql in reads if 'FROM "portal_auditentry"' in sql) == 1, reads
    assert not [sql for sql in reads if '"review_state" = ' in sql and "LIMIT 1" in sql], reads
    assert re.search(r'class="review-stamp">审核人员：<strong>上海审核员</strong>', page)


def test_an_invalid_month_without_a_reason_is_an_error_beside_it(person, client_for, reviewer_sh):
    data = decide_data(person)
    data["decision_3"] = "invalid"
    page = client_for(reviewer_sh).post(reverse("backoffice:person_review", args=[person.pk]), data)
    assert page.status_code == 200
    assert "请选择或填写202503无效的原因" in page.content.decode()
    assert PlacedPerson.objects.get(pk=person.pk).status == S.PENDING_REVIEW


def test_a_second_reviewer_posting_a_stale_page_sees_the_decision_that_stood(person, client_for, reviewer_sh,
                                                                            supervisor_sh):
    url = reverse("backoffice:person_review", args=[person.pk])
    client_for(reviewer_sh).post(url, decide_data(person))
    response = client_for(supervisor_sh).post(url, decide_data(person, invalid={3}))
    assert response.status_code == 409
    page = response.content.decode()
    assert "您的认定未保存" in page and "该人员已由上海审核员于" in page and "已审核确认" in page
    assert PlacedPerson.objects.get(pk=person.pk).status == S.CONFIRMED


def test_revealing_the_full_id_number_is_an_audited_action(person, client_for, reviewer_sh):
    client = client_for(reviewer_sh)
    url = reverse("backoffice:person_review", args=[person.pk])
    assert person.id_number not in client.get(url).content.decode()
    assert person.id_number in client.post(url, {"reveal": "1"}).content.decode()
    entry = AuditEntry.objects.get(action="pii.reveal")
    assert (entry.actor, entry.object_id) == (reviewer_sh, str(person.pk))


def test_the_person_queue_query_count_does_not_grow_with_rows(sh_unit, client_for, reviewer_sh,
                                                              django_assert_num_queries):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from placement.models import AnnualDeclaration, MonthCheck, PlacementMonth

    declaration = AnnualDeclaration.objects.create(employer=sh_unit, business_year=2025)
    client = client_for(reviewer_sh)
    url = reverse("backoffice:person_queue")

    def add(n, start):
        for i in range(start, start + n):
            p = PlacedPerson.objects.create(
                declaration=declaration, id_number=f.resident_id(i), name=f"人员{i}", sex="M",
                birth_date=datetime.date(1985, 1, 1), hukou_type="local", hukou_address="x", phone="1",
                retirement_category="M", registered_at=timezone.now())
            PlacedPerson.objects.filter(pk=p.pk).update(status=S.PENDING_REVIEW)
            PlacementMonth.objects.create(person=p, month=3, selected=True)
            MonthCheck.objects.create(person=p, month=3, item="si", outcome="fail")

    add(2, 100)
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    add(18, 200)
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("社保参保状态") >= 20


def submitted_declaration(unit, agent):
    from placement.models import AnnualDeclaration
    from placement.services import declaration as declarations

    declaration = declarations.declaration_open(employer=unit, business_year=2025)
    AnnualDeclaration.objects.filter(pk=declaration.pk).update(status="submitted")  # the state this test needs
    return AnnualDeclaration.objects.get(pk=declaration.pk)


def test_a_withdrawal_before_certification_approved_returns_the_declaration_to_draft(
        sh_unit, sh_agent, client_for, reviewer_sh, reviewer_ln):
    from placement.models import AnnualDeclaration
    from placement.services.declaration import withdrawal_request_submit

    declaration = submitted_declaration(sh_unit, sh_agent)
    withdrawal = withdrawal_request_submit(actor=sh_agent, declaration=declaration, reason="漏报一名残疾职工")
    url = reverse("backoffice:withdrawal_decide", args=[withdrawal.pk])
    assert client_for(reviewer_ln).get(url).status_code == 404
    client = client_for(reviewer_sh)
    assert "漏报一名残疾职工" in client.get(reverse("backoffice:withdrawal_queue")).content.decode()
    refused = client.post(url, {"outcome": "refuse", "reason": ""})
    assert "请填写不同意的理由" in refused.content.decode()
    assert client.post(url, {"outcome": "approve", "reason": "同意撤回"}).status_code == 302
    assert AnnualDeclaration.objects.get(pk=declaration.pk).status == "draft"
    page = client.get(url).content.decode()
    assert "已同意" in page and "申请年审申报撤回" in page  # the decision and the declaration's history
    assert Notice.objects.filter(employer=sh_unit, kind=Notice.Kind.REVIEW).exists()


def test_a_deregistration_is_refused_with_a_reason_the_unit_reads(sh_unit, sh_agent, client_for, reviewer_sh):
    from placement.services.declaration import deregistration_submit
    from tests.placement.factories import pdf

    request = deregistration_submit(actor=sh_agent, employer=sh_unit, reason="单位注销", signed_form=pdf("申请书.pdf"))
    client = client_for(reviewer_sh)
    url = reverse("backoffice:deregistration_decide", args=[request.pk])
    assert "申请书.pdf" in client.get(url).content.decode()
    client.post(url, {"outcome": "refuse", "reason": "申请书未盖章"})
    request.refresh_from_db()
    assert (request.status, request.decision_reason) == ("refused", "申请书未盖章")
    assert "申请书未盖章" in Notice.objects.filter(employer=sh_unit).latest("pk").body


def test_every_console_offers_the_same_regions_to_filter_by(client_for):
    """Regression (review of issues 7–9): two consoles listed different regions."""
    from portal.scoping import filter_regions

    reviewer = f.UserFactory(reviewer=True, region=f.region("310000"))
    codes = [r.code for r in filter_regions(reviewer)]
    assert codes[0] == "310000" and "310100" in codes and all(c.startswith("31") for c in codes)
    assert {r.parent_id for r in filter_regions(f.UserFactory(admin=True))} == {None}  # the provinces
    client = client_for(reviewer)
    for url in ("backoffice:person_queue", "tax:certification_queue", "tax:deliveries"):
        page = client.get(reverse(url)).content.decode()
        assert '<option value="310000"' in page and '<option value="310100"' in page, url


def test_the_queue_names_only_the_items_a_person_really_had_to_review_and_stops_the_clock_when_decided(
        sh_unit, client_for, reviewer_sh):
    """Issue 15 (13): with 状态=全部 a system-confirmed person showed "手动添加的证件或劳务派遣协议"
    and 已等待 kept counting for decided persons."""
    import datetime

    from django.utils import timezone

    from tests.placement.factories import (
        CertificateFactory,
        ContractFactory,
        DeclarationFactory,
        PersonFactory,
    )

    declaration = DeclarationFactory(employer=sh_unit)
    registered = timezone.now() - datetime.timedelta(days=5)
    PersonFactory(declaration=declaration, confirmed=True, name="系统确认者", registered_at=registered,
                  reviewed_at=registered)
    manual = PersonFactory(declaration=declaration, pending_review=True, name="手动证件者", registered_at=registered)
    CertificateFactory(person=manual, source=c.CertificateSource.MANUAL, review_state=c.ReviewState.PENDING,
                       number=manual.id_number + "43")
    dispatched = PersonFactory(declaration=declaration, rejected=True, name="派遣者", registered_at=registered,
                               reviewed_at=registered + datetime.timedelta(days=2))
    ContractFactory(person=dispatched, is_dispatch=True, review_state=c.ReviewState.REJECTED)
    page = client_for(reviewer_sh).get(reverse("backoffice:person_queue"), {"status": "all"}).content.decode()
    assert "手动添加的证件或劳务派遣协议" not in page

    def row(name):
        return re.search(rf"<tr>(?:(?!</tr>).)*{name}(?:(?!</tr>).)*</tr>", page, re.S).group(0)

    assert "手动添加的证件" not in row("系统确认者") and "劳务派遣协议" not in row("系统确认者")
    assert "<td>—</td>" in row("系统确认者")
    assert "手动添加的证件" in row("手动证件者") and "5天" in row("手动证件者")
    assert "劳务派遣协议" in row("派遣者") and "审核用时2天" in row("派遣者") and "5天" not in row("派遣者")


@pytest.mark.parametrize("persona", ["reviewer", "supervisor", "tax", "union"])
def test_staff_have_one_workbench_whose_every_queue_and_notice_management_are_in_the_menu(persona, client_for):
    """Issue 15 (11): "/" and /backoffice/ were two 工作台, and some queues (残疾证审核, 劳务派遣审核,
    年审申报撤回) and 通知公告管理 were reachable from neither menu."""
    from backoffice.queues import queue_summary

    user = f.UserFactory(**{persona: True}, region=f.region("310000"))
    client = client_for(user)
    old = client.get("/backoffice/")
    if persona in ("reviewer", "supervisor"):
        assert old.status_code == 302 and old["Location"] == reverse("home")
    home = client.get(reverse("home")).content.decode()
    assert "<h1>工作台</h1>" in home
    menu = re.search(r'<nav class="mainnav".*?</nav>', home, re.S).group(0)
    queues = queue_summary(user)
    assert queues
    for row in queues:
        assert f'href="{row["url"]}"' in menu, row["queue"].label  # each queue is one click from anywhere
        assert row["queue"].label in home
    if persona in ("reviewer", "supervisor"):
        assert f'href="{reverse("backoffice:announcements")}"' in menu and "通知公告管理" in menu
    else:
        assert "通知公告管理" not in home


def test_the_material_of_a_month_is_shown_under_that_month_not_in_another_tab(person, client_for, reviewer_sh):
    """Issue 15 (14): the evidence opened in a new tab, away from the month it supports."""
    from placement.models import Evidence

    page = client_for(reviewer_sh).get(reverse("backoffice:person_review", args=[person.pk])).content.decode()
    grid = re.search(r'<section class="panel" aria-labelledby="grid-title">.*?</section>', page, re.S).group(0)
    assert 'target="_blank"' not in grid
    for evidence in Evidence.objects.filter(person=person).select_related("upload"):
        label = f"{person.declaration.business_year}{evidence.month:02d}"
        row = re.search(rf'<tr class="evidence-row" id="evidence-{label}">.*?</tr>', grid, re.S)
        assert row, label
        assert reverse("file_preview", args=[evidence.upload.pk, 1]) in row.group(0)
        assert f'href="#evidence-{label}"' in page
    assert 'id="evidence-' + f"{person.declaration.business_year}01" + '"' not in page  # a clean month has none


def test_a_unit_overview_shows_every_year_person_request_and_the_history(sh_unit, client_for, reviewer_sh,
                                                                         reviewer_ln, sh_agent):
    """Issue 15 (16): the manual's 残疾人安置管理 tab — all of a unit in one place for a reviewer."""
    from placement.models import DeregistrationRequest, FeedbackRequest, WithdrawalRequest
    from portal.uploads import upload_accept
    from tests.placement.factories import DeclarationFactory, PersonFactory, pdf

    old = DeclarationFactory(employer=sh_unit, business_year=2024, certified=True)
    current = DeclarationFactory(employer=sh_unit, business_year=2025, submitted=True, persons=0)
    waiting = PersonFactory(declaration=current, pending_review=True, name="待审核者")
    WithdrawalRequest.objects.create(declaration=current, reason="人数填错", submitted_by=sh_agent)
    FeedbackRequest.objects.create(declaration=old, text="核定月份少了三月", submitted_by=sh_agent)
    form = upload_accept(file=pdf("注销业务申请书.pdf"), kind="related_unit_proof", employer=sh_unit)
    DeregistrationRequest.objects.create(employer=sh_unit, reason="迁出本区", submitted_by=sh_agent, signed_form=form)
    url = reverse("backoffice:unit_overview", args=[sh_unit.pk])
    page = client_for(reviewer_sh).get(url).content.decode()
    assert "2024年度" in page and "2025年度" in page and old.certificate.reference in page
    assert "待审核者" in page and reverse("backoffice:person_review", args=[waiting.pk]) in page
    for text in ("人数填错", "核定月份少了三月", "迁出本区"):
        assert text in page
    assert "办理记录" in page
    assert client_for(reviewer_ln).get(url).status_code == 404
    assert client_for(sh_agent).get(url).status_code == 403
    queue = client_for(reviewer_sh).get(reverse("backoffice:person_queue")).content.decode()
    assert url in queue  # one click from the queue


def test_the_dispatch_review_shows_each_required_document_as_its_own_file(sh_unit, sh_agent, client_for,
                                                                           reviewer_sh, related_units,
                                                                           django_capture_on_commit_callbacks):
    """Issue 15 (17): three checkboxes named three documents, but one file stood for two of them."""
    from tests.placement.factories import registered_person

    agency = related_units["agency"]
    person = registered_person(sh_unit, sh_agent, "sh-dispatched", capture=django_capture_on_commit_callbacks,
                               contract={"is_dispatch": True, "dispatch_agency": agency, "counts_here_stated": True,
                                         "si_payer": agency, "mi_payer": agency, "wage_payer": agency})
    contract = person.contracts.get()
    page = client_for(reviewer_sh).get(reverse("backoffice:dispatch_review", args=[contract.pk])).content.decode()
    items = re.search(r'<section class="panel" aria-labelledby="docs-title">.*?</section>', page, re.S).group(0)
    files = {str(agency.evidence_id), str(contract.agreement_id), str(contract.attachment_id)}
    assert len(files) == 3
    for label, upload in (("劳务派遣资质", agency.evidence_id), ("三方协议", contract.agreement_id),
                          ("劳动合同", contract.attachment_id)):
        item = re.search(rf"<li>{label}：.*?</li>", items, re.S)
        assert item and str(upload) in item.group(0), label


def test_the_review_page_reads_the_units_region_with_the_person(person, client_for, reviewer_sh):
    """Issue 20: the page checks the reviewer's scope again in memory (may this reviewer decide?),
    and that check read the unit's 残联主管部门 in a query of its own; the person's scoped read has
    joined it already."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(reviewer_sh)
    url = reverse("backoffice:person_review", args=[person.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    assert 'name="decide"' in page  # the in-memory check said yes
    assert not [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "portal_region"')]


def test_the_review_page_and_the_record_read_each_of_a_persons_tables_once(person, client_for, reviewer_sh,
                                                                          sh_agent):
    """Issue 20: the two pages read the months' rows up to three times and the certificates',
    contracts' and material's twice (each helper asked again for what person_year had read)."""
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tables = ("placement_placementmonth", "placement_certificate", "placement_contract", "placement_evidence")
    for user, url in ((reviewer_sh, reverse("backoffice:person_review", args=[person.pk])),
                      (sh_agent, reverse("placement:record", args=[person.pk]))):
        client = client_for(user)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        # the rows themselves (EXISTS checks of the review predicates and the claims' join are not re-reads)
        reads = Counter(table for q in captured.captured_queries for table in tables
                        if q["sql"].startswith(f'SELECT "{table}"."id"'))
        assert reads == dict.fromkeys(tables, 1), (url, reads)


def test_a_dispatched_persons_units_are_read_in_one_query_without_joining_them_to_the_contracts(
        sh_unit, sh_agent, client_for, reviewer_sh, related_units, django_capture_on_commit_callbacks):
    """Issue 20: the contracts were read with five joins of the related units (most name none):
    5.2 ms against 2.7 for one contract. The units a contract names are one query of their own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.placement.factories import registered_person

    agency = related_units["agency"]
    person = registered_person(sh_unit, sh_agent, "sh-dispatched", capture=django_capture_on_commit_callbacks,
                               contract={"is_dispatch": True, "dispatch_agency": agency, "counts_here_stated": True,
                                         "si_payer": agency, "mi_payer": agency, "wage_payer": agency})
    url = reverse("placement:record", args=[person.pk])
    client = client_for(sh_agent)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    units = [q["sql"] for q in captured.captured_queries if '"employers_relatedunit"' in q["sql"]]
    assert len(units) == 1 and units[0].startswith('SELECT "employers_relatedunit"'), units
    assert f"是：{agency.name}" in page and f"{agency.name} / {agency.name} / {agency.name}" in page
    review = client_for(reviewer_sh).get(reverse("backoffice:person_review", args=[person.pk])).content.decode()
    assert agency.name in review


def test_a_cells_history_partial_is_rendered_only_for_cells_that_have_one(person, client_for, reviewer_sh, sh_agent):
    """Issue 20: both grids included the partial for each of 84 cells, nearly always to print nothing.
    (The review journey's browser test shows the history of a cell that has one.)"""
    for user, url in ((reviewer_sh, reverse("backoffice:person_review", args=[person.pk])),
                      (sh_agent, reverse("placement:record", args=[person.pk]))):
        response = client_for(user).get(url)
        assert response.status_code == 200
        rendered = [t.name for t in response.templates]
        assert "includes/timeline.html" in rendered  # the page's own includes are recorded
        assert "placement/_cell_history.html" not in rendered, url


def test_the_written_out_decision_inputs_are_the_ones_the_form_would_render(person, client_for, reviewer_sh):
    """The page writes each month's radios and reason list out (issue 20: rendered through the form
    renderer they were half the page's time): the same names, ids, values and states as the form's
    own widgets, unbound and after a refused post that kept the reviewer's choices."""
    def normalized(markup: str) -> str:
        return re.sub(r">\s+<", "><", markup.strip())

    def without_aria(markup: str) -> str:
        return re.sub(r' aria-invalid="true" aria-describedby="[^"]+"', "", markup)

    months = list(person.months.filter(selected=True).order_by("month").values_list("month", flat=True))
    data = decide_data(person, invalid=[months[0]])
    data["decision_3"], data["reason_choice_3"] = "invalid", ""  # refused: 202503 has no reason
    url = reverse("backoffice:person_review", args=[person.pk])
    client = client_for(reviewer_sh)
    for page in (client.get(url), client.post(url, data)):
        html = normalized(page.content.decode())
        form = page.context["form"]  # the page's own form, rendered by its widgets for comparison
        assert "{#" not in html and "issue 20" not in html  # no template comment printed as text
        assert form.months == months
        for m in months:
            for choice in form[f"decision_{m}"]:
                assert str(choice.tag()) in html, (m, str(choice.tag()))
            assert without_aria(normalized(str(form[f"reason_choice_{m}"]))) in without_aria(html), m
    assert 'value="invalid" id="id_decision_3_1" checked' in html  # the refused post kept the choice


def test_a_persons_history_is_asked_for_by_key_so_the_audit_index_serves_it(person, client_for, reviewer_sh,
                                                                           sh_agent):
    """Issue 20: the timeline asked for its months', certificates' and contracts' entries with
    subqueries, and PostgreSQL read the whole audit log for every review page and record. Their
    keys are read first; the audit query names them, and still finds every entry."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from placement.selectors.queues import person_timeline

    month = person.months.get(month=3)
    entries = list(person_timeline(person))
    assert any(e.object_id == str(month.pk) for e in entries)  # a month's own entry (its review request)
    assert any(e.object_id == str(person.pk) for e in entries)
    for user, url in ((reviewer_sh, reverse("backoffice:person_review", args=[person.pk])),
                      (sh_agent, reverse("placement:record", args=[person.pk]))):
        with CaptureQueriesContext(connection) as captured:
            assert client_for(user).get(url).status_code == 200
        audit = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "portal_auditentry"')]
        assert len(audit) == 1 and audit[0].count("SELECT") == 1, audit


def test_the_queues_flagged_checks_come_from_the_index_of_checks_that_did_not_pass(person):
    """Issue 20: 需审核的校验项 read every check of the page's persons to drop the passed ones."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from placement.selectors.queues import person_queue_rows
    from tests.conftest import plan_uses, skip_or_fail

    if connection.vendor != "postgresql":
        skip_or_fail("query plans are PostgreSQL's (set DATABASE_URL)")
    with CaptureQueriesContext(connection) as read:
        (row,) = person_queue_rows([person.pk])
    assert row["flagged"]
    (checks,) = [q for q in read.captured_queries if q["sql"].startswith('SELECT "placement_monthcheck"')]
    assert plan_uses(checks, "month_check_not_ok", "placement_monthcheck")
