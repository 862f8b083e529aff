"""The money side of a batch end to end (issue 19): the union's review per 社保编号, the withholding
request and run against the pension registry (a partial failure), deleting failed members under
the 75% rule, vouchers with a refund and an e-receipt, the union's voucher review with four eyes,
and every failure branch on the way: a clear message, nothing stored, nothing paid twice."""

from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from insurance import choices as c
from insurance.models import CodeRatio, InsuranceBatch, InsuredMember, WithholdingRun
from insurance.selectors.money import settlement_of, voucher_state
from insurance.services import review, vouchers, withholding
from portal.exceptions import Conflict, NotAllowed, ValidationFailed
from portal.feeds.models import RegistryPerson, WithholdingRecord
from portal.models import Notice
from tests import factories as f
from tests.insurance.factories import BatchFactory, MemberFactory, at, pdf
from tests.portal.feeds.factories import RegistryPersonFactory

B, W, RS = c.BatchStatus, c.WithholdingResult, c.RunStatus
SI = "31061826"


def png(name="凭证.png"):
    return SimpleUploadedFile(name, f.png_bytes(), content_type="image/png")


def fresh(batch) -> InsuranceBatch:
    return InsuranceBatch.objects.get(pk=batch.pk)


@pytest.fixture
def submitted(sh_code, sh_agent):
    """A 委托代扣 batch (300 元/人) of four retirees under review: two can pay, one has 120 元, one
    was found 不可代扣; the code's registry count is four."""
    batch = BatchFactory(code=sh_code, created_by=sh_agent, withholding=True, under_review=True)
    balances = ["3000.00", "3000.00", "120.00", "3000.00"]
    for n, balance in enumerate(balances):
        person = RegistryPersonFactory(retiree=True, pension_balance=D(balance), name=f"退休{n}")
        MemberFactory(batch=batch, passed=True, name=person.name, id_number=person.id_number, si_number=SI,
                      withholding=c.Withholding.NO if n == 3 else c.Withholding.YES)
    CodeRatio.objects.create(batch=batch, si_number=SI, unit_name=sh_code.unit_name, registry_count=4)
    return batch


def approve_all(batch, actor):
    return review.batch_review_decide(actor=actor, batch=batch,
                                      decisions={r.pk: (True, "") for r in batch.ratios.all()})


def test_a_refused_code_returns_the_batch_with_its_reason(submitted, union_xh, union_hp, sh_agent):
    row = submitted.ratios.get()
    with pytest.raises(NotAllowed):
        review.batch_review_decide(actor=union_hp, batch=submitted, decisions={row.pk: (True, "")})
    with pytest.raises(ValidationFailed, match="须填写原因"):
        review.batch_review_decide(actor=union_xh, batch=submitted, decisions={row.pk: (False, " ")})
    with pytest.raises(ValidationFailed, match="作出审核结论"):
        review.batch_review_decide(actor=union_xh, batch=submitted, decisions={})
    assert fresh(submitted).status == B.UNDER_REVIEW
    batch = review.batch_review_decide(actor=union_xh, batch=submitted,
                                       decisions={row.pk: (False, "缺少《社会保险业务核定表》")})
    assert batch.status == B.REVIEW_REJECTED
    row = CodeRatio.objects.get(pk=row.pk)
    assert (row.review_state, row.review_reason) == ("rejected", "缺少《社会保险业务核定表》")
    assert Notice.objects.filter(employer=batch.employer, title__contains="审核不通过").exists()
    with pytest.raises(Conflict):
        approve_all(batch, union_xh)  # decided already


def run_pension_day(batch, admin, capture):
    run = WithholdingRun.objects.get(batch=batch)
    with capture(execute=True):
        withholding.run_start(actor=admin, run=run)
    return WithholdingRun.objects.get(pk=run.pk)


@pytest.fixture
def withheld(submitted, union_xh, sh_agent, django_capture_on_commit_callbacks):
    admin = f.UserFactory(admin=True)
    with at(2027, 5, 20):
        approve_all(submitted, union_xh)
        with django_capture_on_commit_callbacks(execute=True):
            withholding.withholding_request(actor=sh_agent, batch=submitted, agreed=True)
        run_pension_day(submitted, admin, django_capture_on_commit_callbacks)
    return fresh(submitted)


def test_the_withholding_request_locks_the_list_and_only_once(submitted, union_xh, sh_agent):
    with at(2027, 5, 20):
        approve_all(submitted, union_xh)
        with pytest.raises(ValidationFailed, match="我已阅读并同意"):
            withholding.withholding_request(actor=sh_agent, batch=submitted, agreed=False)
        batch = withholding.withholding_request(actor=sh_agent, batch=submitted, agreed=True)
        assert batch.status == B.WITHHOLDING_REQUESTED and not batch.roster_editable
        assert batch.acceptance_slip is not None and batch.acceptance_available_on > batch.withholding_requested_at.date()
        with pytest.raises(Conflict, match="请勿重复提交"):
            withholding.withholding_request(actor=sh_agent, batch=batch, agreed=True)
    assert WithholdingRun.objects.filter(batch=batch).count() == 1


def test_the_request_closes_at_the_plan_years_deadline(submitted, union_xh, sh_agent):
    with at(2027, 5, 20):
        approve_all(submitted, union_xh)
    with at(2027, 6, 5):
        with pytest.raises(NotAllowed, match="委托代扣申请已于"):
            withholding.withholding_request(actor=sh_agent, batch=submitted, agreed=True)


def test_only_the_pension_day_or_an_administrator_sends_the_run(submitted, union_xh, sh_agent):
    """Union staff may re-send a failed run, not send a scheduled one before the pension day (the
    page offered 模拟养老金发放日 to administrators only, the transition let any union staff through)."""
    with at(2027, 5, 20):
        approve_all(submitted, union_xh)
        withholding.withholding_request(actor=sh_agent, batch=submitted, agreed=True)
    run = WithholdingRun.objects.get(batch=submitted)
    with pytest.raises(NotAllowed, match="只有系统管理员可以模拟"):
        withholding.run_start(actor=union_xh, run=run)
    assert WithholdingRun.objects.get(pk=run.pk).status == RS.SCHEDULED
    withholding.run_start(actor=f.UserFactory(admin=True), run=run)
    assert WithholdingRun.objects.get(pk=run.pk).status == RS.QUEUED


def test_the_pension_day_withholds_each_member_once(withheld, django_capture_on_commit_callbacks):
    run = withheld.withholding_run
    assert (withheld.status, run.status, run.withheld) == (B.WITHHOLDING_DONE, RS.RECEIVED, 2)
    results = sorted(withheld.members.values_list("withholding_result", flat=True))
    assert results == sorted([W.WITHHELD, W.WITHHELD, W.INSUFFICIENT, W.INVALID])
    figures = settlement_of(withheld)
    assert (figures.members, figures.requested, figures.withheld, figures.failed) == (4, 4, 2, 2)
    assert figures.unit_due == D("1200.00")  # 4 × 450 − 2 × 300
    balances = sorted(RegistryPerson.objects.filter(name__startswith="退休").values_list("pension_balance", flat=True))
    assert balances == [D("120.00"), D("2700.00"), D("2700.00"), D("3000.00")]
    # the same chunk delivered again (a task redelivered) asks and takes nothing more
    ids = list(withheld.members.values_list("pk", flat=True))
    withholding.members_withhold(run.pk, ids)
    withholding.run_settle(run.pk)
    assert WithholdingRecord.objects.count() == 3
    assert sorted(RegistryPerson.objects.filter(name__startswith="退休").values_list("pension_balance", flat=True)) \
        == balances
    assert Notice.objects.filter(employer=withheld.employer, title__contains="代扣完成").count() == 1
    assert any("代扣结果" in m.subject for m in mail.outbox)


def test_failed_members_leave_only_while_75_percent_holds(withheld, sh_agent):
    failed = list(withheld.members.filter(withholding_result__in=c.WITHHOLDING_FAILED).values_list("pk", flat=True))
    ok = withheld.members.filter(withholding_result=W.WITHHELD).first()
    with pytest.raises(NotAllowed, match="只能删除代扣失败的人员"):
        withholding.failed_members_delete(actor=sh_agent, batch=withheld, member_ids=[ok.pk])
    with pytest.raises(NotAllowed, match="参保比例将低于"):
        withholding.failed_members_delete(actor=sh_agent, batch=withheld, member_ids=failed)  # 2 of 4 left
    assert InsuredMember.objects.filter(batch=withheld, deleted_at__isnull=False).count() == 0
    assert withholding.failed_members_delete(actor=sh_agent, batch=withheld, member_ids=failed[:1]) == 1  # 3 of 4
    assert settlement_of(withheld).unit_due == D("750.00")  # 3 × 450 − 2 × 300


def test_the_unions_batch_page_counts_the_request_as_the_agents_page_does(withheld, sh_agent, union_xh, client_for):
    before = client_for(union_xh).get(f"/backoffice/union/batches/{withheld.pk}/").content.decode()
    assert "申请代扣 4 人，" in before and "代扣失败的人员已删减" not in before
    failed = withheld.members.filter(withholding_result__in=c.WITHHOLDING_FAILED).values_list("pk", flat=True)
    withholding.failed_members_delete(actor=sh_agent, batch=withheld, member_ids=list(failed)[:1])
    html = client_for(union_xh).get(f"/backoffice/union/batches/{withheld.pk}/").content.decode()
    assert "申请代扣 3 人（代扣文件 4 人，代扣失败的人员已删减）" in html
    assert settlement_of(withheld).requested == 3


def test_a_registry_that_stays_silent_fails_the_run_with_an_alert_and_a_retry_finishes_it(
        submitted, union_xh, sh_agent, django_capture_on_commit_callbacks, settings):
    from portal.feeds import configure

    settings.TAX_DELIVERY_ATTEMPTS, settings.TAX_DELIVERY_BACKOFF_S = 2, 0
    settings.FEEDS_ATTEMPTS, settings.FEEDS_BACKOFF_S = 1, 0
    admin = f.UserFactory(admin=True, email="ops@example.cn")
    with at(2027, 5, 20):
        approve_all(submitted, union_xh)
        withholding.withholding_request(actor=sh_agent, batch=submitted, agreed=True)
        with configure(error_rate=1.0):
            run = run_pension_day(submitted, admin, django_capture_on_commit_callbacks)
        assert run.status == RS.FAILED and "未返回" in run.last_error
        assert any("发送失败" in m.subject for m in mail.outbox)
        assert fresh(submitted).status == B.WITHHOLDING_REQUESTED
        with pytest.raises(NotAllowed):
            withholding.run_retry(actor=f.UserFactory(union=True, union_district="黄浦区总工会"), run=run)
        with django_capture_on_commit_callbacks(execute=True):
            withholding.run_retry(actor=union_xh, run=run)
    assert WithholdingRun.objects.get(pk=run.pk).status == RS.RECEIVED
    assert fresh(submitted).status == B.WITHHOLDING_DONE


def test_vouchers_refunds_and_e_receipts_add_up_before_the_review(withheld, sh_agent, union_xh):
    unit = withheld.code.unit_name
    with pytest.raises(NotAllowed):
        vouchers.voucher_save(actor=sh_agent, batch=withheld, data={"payer_name": unit, "method": "online",
                                                                    "amount": "600"}, image=png())
    batch = vouchers.roster_confirm(actor=sh_agent, batch=withheld)
    generated = batch.vouchers.get()
    assert (generated.method, generated.amount, generated.generated) == (c.VoucherMethod.WITHHELD, D("600.00"), True)
    data = {"payer_name": unit, "method": "online", "amount": "1500"}
    with pytest.raises(ValidationFailed, match="请上传缴费凭证图片"):
        vouchers.voucher_save(actor=sh_agent, batch=batch, data=data)
    with pytest.raises(ValidationFailed):
        vouchers.voucher_save(actor=sh_agent, batch=batch, data=data, image=pdf("凭证.pdf"))  # not an image
    with pytest.raises(ValidationFailed, match="缴费金额"):
        vouchers.voucher_save(actor=sh_agent, batch=batch, data={**data, "amount": "12.345"}, image=png())
    assert batch.vouchers.count() == 1
    paid = vouchers.voucher_save(actor=sh_agent, batch=batch, data=data, image=png())  # 600 + 1500 = 2100 > 1800
    assert voucher_state(batch).check.excess == D("300.00")
    with pytest.raises(ValidationFailed, match="退多余款"):
        vouchers.vouchers_submit(actor=sh_agent, batch=batch)
    refund = {"voucher": str(paid.pk), "account_name": "上海某某贸易有限公司", "account_number": "6222 0210 0100 1234",
              "bank": "中国工商银行", "amount": "350"}
    with pytest.raises(ValidationFailed, match="还可退300.00元"):
        vouchers.refund_save(actor=sh_agent, batch=batch, data=refund)
    with pytest.raises(ValidationFailed, match="须上传情况说明"):
        vouchers.refund_save(actor=sh_agent, batch=batch, data={**refund, "amount": "300"})
    row = vouchers.refund_save(actor=sh_agent, batch=batch, data={**refund, "amount": "300"},
                               explanation=pdf("情况说明.pdf"))
    assert row.account_number == "6222021001001234" and row.explanation_id
    with pytest.raises(ValidationFailed, match="还可开1,800.00元"):
        vouchers.ereceipt_save(actor=sh_agent, batch=batch, data={"title": unit, "amount": "1800.01"})
    with pytest.raises(ValidationFailed, match="匹配到统一信用代码"):
        vouchers.ereceipt_save(actor=sh_agent, batch=batch, data={"title": "无此单位", "amount": "100"})
    receipt = vouchers.ereceipt_save(actor=sh_agent, batch=batch, data={"title": unit, "amount": "1800"})
    assert receipt.credit_code == batch.code.credit_code
    batch = vouchers.vouchers_submit(actor=sh_agent, batch=batch)
    assert batch.status == B.VOUCHER_REVIEW and batch.voucher_receipt.public_facts["退多余款"] == "300.00元"
    with pytest.raises(NotAllowed):
        vouchers.voucher_save(actor=sh_agent, batch=batch, data=data, image=png())


@pytest.fixture
def in_voucher_review(withheld, sh_agent):
    batch = vouchers.roster_confirm(actor=sh_agent, batch=withheld)
    vouchers.voucher_save(actor=sh_agent, batch=batch, data={"payer_name": batch.code.unit_name, "method": "online",
                                                             "amount": "1200"}, image=png())
    return vouchers.vouchers_submit(actor=sh_agent, batch=batch)


def test_a_refused_voucher_goes_back_to_the_agent_with_the_reason(in_voucher_review, union_xh, sh_agent):
    with pytest.raises(ValidationFailed, match="须填写原因"):
        vouchers.voucher_decide(actor=union_xh, batch=in_voucher_review, approve=False)
    batch = vouchers.voucher_decide(actor=union_xh, batch=in_voucher_review, approve=False,
                                    reason="退多余款账户信息错误。")
    assert (batch.status, batch.voucher_reason) == (B.VOUCHER_REJECTED, "退多余款账户信息错误。")
    batch = vouchers.vouchers_submit(actor=sh_agent, batch=batch)
    assert batch.status == B.VOUCHER_REVIEW and batch.voucher_reason == ""


def test_the_voucher_review_insures_every_member_and_may_need_four_eyes(in_voucher_review, union_xh, union_hp):
    plan = in_voucher_review.plan_year
    plan.voucher_four_eyes = True
    plan.save()
    with pytest.raises(NotAllowed, match="双人复核"):
        vouchers.voucher_decide(actor=union_xh, batch=in_voucher_review, approve=True)
    with pytest.raises(NotAllowed):
        vouchers.voucher_decide(actor=union_hp, batch=in_voucher_review, approve=True)  # another district
    colleague = f.UserFactory(union=True, region=f.region("310000"), union_district="徐汇区总工会")
    batch = vouchers.voucher_decide(actor=colleague, batch=in_voucher_review, approve=True)
    assert batch.status == B.INSURED and batch.insured_receipt is not None
    assert set(batch.members.filter(deleted_at__isnull=True).values_list("coverage_start", "coverage_end")) == {
        (plan.coverage_start, plan.coverage_end)}
    with pytest.raises(Conflict, match="投保成功"):  # a second reviewer at the same moment
        vouchers.voucher_decide(actor=colleague, batch=in_voucher_review, approve=True)


def test_a_lost_task_is_re_driven_by_the_sweep_and_late_answers_change_nothing(
        submitted, union_xh, sh_agent, django_capture_on_commit_callbacks):
    with at(2027, 5, 20):
        approve_all(submitted, union_xh)
        withholding.withholding_request(actor=sh_agent, batch=submitted, agreed=True)
        run = WithholdingRun.objects.get(batch=submitted)
        withholding.run_start(actor=None, run=run)  # the beat; its task is lost (no commit callback ran)
    assert WithholdingRun.objects.get(pk=run.pk).status == RS.QUEUED
    with at(2027, 5, 20, 11):  # an hour later
        with django_capture_on_commit_callbacks(execute=True):
            withholding.withholding_sweep()
    run = WithholdingRun.objects.get(pk=run.pk)
    assert run.status == RS.RECEIVED and fresh(submitted).status == B.WITHHOLDING_DONE
    # a late delivery of a chunk, with a member of another batch among the ids: nothing moves
    stranger = MemberFactory(passed=True)
    before = list(InsuredMember.objects.order_by("pk").values_list("withholding_result", flat=True))
    withholding.members_withhold(run.pk, [*submitted.members.values_list("pk", flat=True), stranger.pk])
    withholding.run_send(run.pk)
    assert list(InsuredMember.objects.order_by("pk").values_list("withholding_result", flat=True)) == before
    assert WithholdingRecord.objects.count() == 3


def test_the_voucher_list_shows_each_batchs_figures_in_a_fixed_number_of_queries(withheld, sh_agent, sh_code,
                                                                                  client_for):
    """缴费凭证管理 counted each row's members with a query of its own (and read its code and plan
    year per row); the listed figure is the batch page's (settlement_of)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from portal.templatetags.portal import money

    client = client_for(sh_agent)
    client.get(reverse("insurance:vouchers"))
    with CaptureQueriesContext(connection) as one_batch:
        page = client.get(reverse("insurance:vouchers")).content.decode()
    assert money(settlement_of(withheld).total) in page
    BatchFactory.create_batch(3, code=sh_code, created_by=sh_agent, withholding=True, review_approved=True)
    with CaptureQueriesContext(connection) as four_batches:
        page = client.get(reverse("insurance:vouchers")).content.decode()
    assert page.count("<tr>") >= 5
    assert len(four_batches) == len(one_batch)


def test_a_chunk_delivered_twice_while_the_run_is_sent_takes_nothing_twice_and_no_stranger(
        submitted, union_xh, sh_agent):
    """The redeliveries above came after the run had settled (members_withhold returned at once). Here
    the run is still 代扣中: a chunk arrives twice, once with a member of another batch among its ids."""
    with at(2027, 5, 20):
        approve_all(submitted, union_xh)
        withholding.withholding_request(actor=sh_agent, batch=submitted, agreed=True)
        run = WithholdingRun.objects.get(batch=submitted)
        withholding.run_start(actor=None, run=run)
        withholding.run_send(run.pk)  # its chunk tasks wait for a commit that never comes in this test
    assert WithholdingRun.objects.get(pk=run.pk).status == RS.SENT
    stranger = MemberFactory(passed=True)
    asked = list(submitted.members.filter(withholding_result="").order_by("pk").values_list("pk", flat=True))
    first, rest = asked[:1], asked[1:]
    withholding.members_withhold(run.pk, [*first, stranger.pk])
    answered = list(InsuredMember.objects.filter(pk__in=first).values_list("withholding_result", "withheld_at"))
    withholding.members_withhold(run.pk, [*first, stranger.pk])  # the same chunk again
    assert list(InsuredMember.objects.filter(pk__in=first).values_list("withholding_result", "withheld_at")) == answered
    assert WithholdingRun.objects.get(pk=run.pk).status == RS.SENT  # the others are still being asked
    assert InsuredMember.objects.get(pk=stranger.pk).withholding_result == ""
    assert not WithholdingRecord.objects.filter(id_number=stranger.id_number).exists()
    assert WithholdingRecord.objects.count() == 1
    withholding.members_withhold(run.pk, rest)
    assert WithholdingRun.objects.get(pk=run.pk).status == RS.RECEIVED
    assert WithholdingRecord.objects.count() == 3  # one order per member the registry was asked about


@pytest.mark.parametrize("slip,available,today,ready", [
    (False, "2027-05-21", "2027-05-22", False),  # not issued (batch_info offered the link anyway)
    (True, None, "2027-05-22", False),
    (True, "2027-05-21", "2027-05-20", False),
    (True, "2027-05-21", "2027-05-21", True),
])
def test_the_acceptance_slip_is_ready_from_its_day_once_issued(slip, available, today, ready):
    import datetime

    from insurance.predicates import acceptance_slip_ready

    batch = InsuranceBatch(acceptance_slip_id=1 if slip else None,
                           acceptance_available_on=datetime.date.fromisoformat(available) if available else None)
    assert acceptance_slip_ready(batch, datetime.date.fromisoformat(today)) is ready
