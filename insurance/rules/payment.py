"""The money of a batch (DOMAIN.md §3, the manual's 查看代扣结果 and 上传缴费凭证): what the unit still
pays after the pension withholding, how its vouchers, refunds and e-receipts must add up, and
whether a failed member may be deleted without breaking the participation threshold. Pure
functions over plain values; the services and pages read the same figures.

    unit_due = members × premium − withheld × amount

The manual's three cases: 13 members, 9 withheld at 300 → 3,150; 29 members, 23 withheld at 100 →
10,750; 12 members, 8 withheld at 100 → 4,600."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Settlement:
    """The 查看代扣结果 / 确认参保名单 figures of one batch."""

    members: int  # 申请参保总人数
    premium: Decimal  # 参保费用（元/人）
    requested: int  # 申请代扣人数 (0 for a voucher batch)
    withheld: int  # 代扣成功人数
    amount: Decimal  # 代扣金额（元/人）; 0 for a voucher batch

    @property
    def failed(self) -> int:
        """代扣失败: asked and not withheld (余额不足 or 校验不通过)."""
        return max(self.requested - self.withheld, 0)

    @property
    def total(self) -> Decimal:
        """参保总费用."""
        return self.premium * self.members

    @property
    def withheld_total(self) -> Decimal:
        """The 个人代扣 voucher row: what the pension accounts paid."""
        return self.amount * self.withheld

    @property
    def unit_due(self) -> Decimal:
        """需单位缴纳参保费用."""
        return self.total - self.withheld_total

    def removed_since(self, filed: int) -> int:
        """How many of the `filed` persons of the withholding file (代扣文件) have been deleted since
        (代扣失败的人员已删减): the file keeps its count, the batch does not."""
        return max(filed - self.requested, 0)

    @property
    def unit_paying_members(self) -> int:
        """需单位缴费参保人数: every member whose premium the withholding does not cover in full
        (all of them when the amount is below the premium, as in the manual's 13 / 12 cases)."""
        if self.amount >= self.premium:
            return self.members - self.withheld
        return self.members


def settlement(*, members: int, premium: Decimal, requested: int = 0, withheld: int = 0,
               amount: Decimal | None = None) -> Settlement:
    if withheld > requested or requested > members or min(members, requested, withheld) < 0:
        raise ValueError("withheld ≤ requested ≤ members")
    return Settlement(members, Decimal(premium), requested, withheld, Decimal(amount or 0))


# --- vouchers, refunds, e-receipts ----------------------------------------------------------------


@dataclass(frozen=True)
class VoucherCheck:
    """How the voucher rows stand against what is due (缴费凭证金额应等于保费金额)."""

    due: Decimal  # 参保总费用 (the 个人代扣 row included among the vouchers)
    paid: Decimal  # Σ voucher rows
    refunded: Decimal  # Σ 退多余款 rows
    receipted: Decimal  # Σ 电子票据 rows

    @property
    def excess(self) -> Decimal:
        """What was paid above the premium: it must come back as 退多余款 rows."""
        return max(self.paid - self.due, ZERO)

    def problems(self) -> list[tuple[str, str]]:
        """(section, message) for each rule the rows break; empty when 提交审核 may go ahead."""
        out = []
        if self.paid < self.due:
            out.append(("vouchers", f"缴费凭证合计{self.paid:,.2f}元，少于参保总费用{self.due:,.2f}元，"
                                    f"还差{self.due - self.paid:,.2f}元，请补充缴费凭证"))
        if self.refunded > self.excess:
            out.append(("refunds", f"退款金额合计{self.refunded:,.2f}元，超过多缴金额{self.excess:,.2f}元"))
        elif self.refunded < self.excess:
            out.append(("refunds", f"缴费凭证合计比参保总费用多{self.excess:,.2f}元，请填写退多余款信息"
                                   f"（已填写{self.refunded:,.2f}元）"))
        if self.receipted > self.paid - self.refunded:
            out.append(("receipts", f"电子票据金额合计{self.receipted:,.2f}元，超过实际缴费金额"
                                    f"{self.paid - self.refunded:,.2f}元"))
        return out


def voucher_check(*, due, vouchers, refunds=(), receipts=()) -> VoucherCheck:
    return VoucherCheck(Decimal(due), sum(map(Decimal, vouchers), ZERO), sum(map(Decimal, refunds), ZERO),
                        sum(map(Decimal, receipts), ZERO))


def refund_room(*, due, vouchers, other_refunds=()) -> Decimal:
    """How much one more refund row may carry: the excess not yet refunded."""
    check = voucher_check(due=due, vouchers=vouchers, refunds=other_refunds)
    return max(check.excess - check.refunded, ZERO)


def receipt_room(*, paid, refunded, other_receipts=()) -> Decimal:
    """How much one more e-receipt may carry: what was paid (less refunds) not yet receipted."""
    return max(Decimal(paid) - Decimal(refunded) - sum(map(Decimal, other_receipts), ZERO), ZERO)


# --- 代扣失败人员处理方式 ----------------------------------------------------------------------------


def may_delete_failed(*, enrolled: int, registry_count: int | None, threshold: Decimal, deleting: int = 1) -> bool:
    """删减人员: a member whose withholding failed may be deleted only while the 社保编号 still
    reaches the threshold afterwards (不影响75%的参保比例). A code whose count is unknown or zero
    never reaches it, so nobody of it may be deleted this way."""
    if not registry_count:
        return False
    return Decimal(enrolled - deleting) >= Decimal(threshold) * registry_count


def pension_day_after(day: datetime.date, plan_day: int) -> datetime.date:
    """The first pension day (the plan year's day of the month, 1–28) on or after `day`: the bank
    withholds on it."""
    candidate = day.replace(day=plan_day)
    if candidate < day:
        candidate = (candidate.replace(day=1) + datetime.timedelta(days=32)).replace(day=plan_day)
    return candidate
