"""The money of a batch as every page, the API and the union's console read it: the withholding
results (申请代扣 N 人，代扣成功 M 人，代扣失败 K 人), what the unit still pays (DOMAIN.md §3, in
insurance.rules.payment), and how the voucher rows stand against it."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from insurance import choices as c
from insurance.models import InsuranceBatch, InsuredMember, WithholdingRun
from insurance.rules.payment import Settlement, VoucherCheck, settlement, voucher_check
from portal.workflow import can, refusal

ZERO = Decimal("0.00")


def settlement_of(batch: InsuranceBatch) -> Settlement:
    """查看代扣结果 / 确认参保名单, in one aggregate query over the batch's active members. Before
    the pension day nobody has been withheld; a voucher batch asks nobody."""
    figures = batch.members.filter(deleted_at__isnull=True).aggregate(
        members=Count("pk"),
        requested=Count("pk", filter=~Q(withholding_result="")),
        withheld=Count("pk", filter=Q(withholding_result=c.WithholdingResult.WITHHELD)),
    )
    return _settlement(batch, members=figures["members"], requested=figures["requested"],
                       withheld=figures["withheld"])


def _settlement(batch: InsuranceBatch, *, members: int, requested: int, withheld: int) -> Settlement:
    if not batch.is_withholding:
        return settlement(members=members, premium=batch.plan_year.premium)
    return settlement(members=members, premium=batch.plan_year.premium, requested=requested, withheld=withheld,
                      amount=batch.withholding_amount)


def _total(qs) -> Decimal:
    return qs.aggregate(total=Sum("amount"))["total"] or ZERO


@dataclass(frozen=True)
class VoucherState:
    settlement: Settlement
    check: VoucherCheck
    missing_images: int  # unit voucher rows without their image
    missing_explanations: int  # refunds to another payer without the 情况说明

    def problems(self) -> list[tuple[str, str]]:
        out = list(self.check.problems())
        if self.missing_images:
            out.append(("vouchers", f"有{self.missing_images}条缴费凭证未上传凭证图片"))
        if self.missing_explanations:
            out.append(("refunds", f"有{self.missing_explanations}条退款信息的缴费单位与退款账户不一致，须上传情况说明"))
        return out


def voucher_state(batch: InsuranceBatch) -> VoucherState:
    """缴费凭证管理: the rows' totals against 参保总费用 (the 个人代扣 row is one of the vouchers)."""
    figures = settlement_of(batch)
    vouchers = batch.vouchers.all()
    refunds = list(batch.refunds.select_related("voucher"))
    check = voucher_check(due=figures.total, vouchers=[_total(vouchers)], refunds=[r.amount for r in refunds],
                          receipts=[_total(batch.ereceipts.all())])
    return VoucherState(
        figures, check,
        missing_images=vouchers.filter(generated=False, image__isnull=True).count(),
        missing_explanations=sum(1 for r in refunds if r.needs_explanation and not r.explanation_id),
    )


def listed_settlements(batches: list[InsuranceBatch]) -> dict[int, Settlement]:
    """settlement_of for a list of loaded batches (a page, a chunk of an export): their members
    counted in one grouped query over the members alone. Counting them as annotations of the batch
    query sorted or scanned every member row with the batch's wide columns (7 ms for a page of 5
    batches and 2,000 members, against 1 ms grouped)."""
    counted = {batch_id: (members, requested, withheld) for batch_id, members, requested, withheld in
               InsuredMember.objects.filter(batch__in=[b.pk for b in batches], deleted_at__isnull=True)
               .order_by().values("batch_id").annotate(
                   members=Count("pk"), requested=Count("pk", filter=~Q(withholding_result="")),
                   withheld=Count("pk", filter=Q(withholding_result=c.WithholdingResult.WITHHELD)))
               .values_list("batch_id", "members", "requested", "withheld")}
    settled = {}
    for b in batches:
        members, requested, withheld = counted.get(b.pk, (0, 0, 0))  # a batch without members yet
        settled[b.pk] = _settlement(b, members=members, requested=requested, withheld=withheld)
    return settled


# what a row of a batch list shows (the template, and _settlement's figures)
LISTED_COLUMNS = ("number", "kind", "status", "payment_method", "withholding_amount", "updated_at",
                  "code__unit_name", "code__code", "plan_year__year", "plan_year__premium")


def listed_batches(qs: QuerySet[InsuranceBatch], ids: list[int]) -> list[dict]:
    """A page of a batch list in the ids' order: each batch with the columns its row shows, and its
    figures. A batch has some forty columns and its unit thirty more, some encrypted: reading them
    all took half the time of the rows (4.5 -> 2.6 ms for five batches)."""
    batches = {b.pk: b for b in qs.select_related(None).select_related("code", "plan_year")
               .only(*LISTED_COLUMNS).filter(pk__in=ids)}
    figures = listed_settlements(list(batches.values()))
    return [{"batch": batches[pk], "figures": figures[pk]} for pk in ids if pk in batches]


def union_actions(batch: InsuranceBatch, user) -> dict:
    """What the union staff member may do with the batch now, and why not (the transitions' own
    conditions and permissions): 职保会审核, 凭证审核, 模拟养老金发放日 (administrators), 重新发送."""
    run = WithholdingRun.objects.filter(batch=batch).first()
    under_review, voucher_review = batch.status == c.BatchStatus.UNDER_REVIEW, batch.status == c.BatchStatus.VOUCHER_REVIEW
    review_problem = refusal(batch, "review_approve", user)
    voucher_problem = refusal(batch, "voucher_approve", user) if voucher_review else None
    return {
        "run": run,
        "can_review": review_problem is None,
        "review_refusal": review_problem.message if review_problem and under_review else "",
        "can_decide_vouchers": voucher_review and voucher_problem is None,
        "voucher_refusal": voucher_problem.message if voucher_problem else "",
        "can_start": run is not None and can(user, run, "start"),
        "can_retry": run is not None and can(user, run, "retry"),
    }
