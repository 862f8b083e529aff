"""The assessment's figures (pure, no ORM): the registry's 征缴基数 totals (DOMAIN.md §1 "Shanghai
一件事"), the engine's inputs for either method, the outcome of 核定, and the checks on what a
unit types (申报表 figures, objection tables). Money arrives as Decimal or decimal strings."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from levy.rules.levy import LevyInputs, LevyResult

MONTHS = 12
MAX_MONEY = Decimal(10) ** 12  # a base or wage bill above 10¹² 元 is a typing error, never a unit's
MAX_HEADCOUNT = 10_000_000
CENT = Decimal(1).scaleb(-2)
CHANGE_CATEGORIES = ("back_payment", "adjustment", "refund", "manual")
OUTCOME_PAYABLE, OUTCOME_OVER_RATIO, OUTCOME_EXEMPT = "payable", "over_ratio", "exempt"


def _dec(value) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


@dataclass(frozen=True)
class RegistryTotals:
    """残保金缴费数据: the year's totals from the registry's (or an objection's) monthly table."""

    base: Decimal  # 2倍封顶前缴纳基数合计 (months + changes)
    capped_base: Decimal  # 2倍封顶后缴纳基数合计: the levy's wage bill
    monthly_accounts: tuple[int, ...]  # 帐户人数, a missing month counted 0
    missing_months: tuple[int, ...]  # months the registry has nothing for
    months_base: Decimal
    months_capped: Decimal
    changes_base: Decimal
    changes_capped: Decimal

    @property
    def average_accounts(self) -> Fraction:
        return Fraction(sum(self.monthly_accounts), MONTHS)


def registry_totals(figures: dict) -> RegistryTotals:
    """Totals of a stored figures dict: {"months": [{month, base, capped_base, accounts}] × 12,
    "changes": {category: {base, capped_base}}}."""
    months = figures.get("months") or []
    missing = tuple(m["month"] for m in months if m.get("accounts") is None)
    months_base = sum((_dec(m.get("base")) for m in months), Decimal(0))
    months_capped = sum((_dec(m.get("capped_base")) for m in months), Decimal(0))
    changes = figures.get("changes") or {}
    changes_base = sum((_dec(c.get("base")) for c in changes.values()), Decimal(0))
    changes_capped = sum((_dec(c.get("capped_base")) for c in changes.values()), Decimal(0))
    return RegistryTotals(
        base=months_base + changes_base, capped_base=months_capped + changes_capped,
        monthly_accounts=tuple(int(m.get("accounts") or 0) for m in months), missing_months=missing,
        months_base=months_base, months_capped=months_capped, changes_base=changes_base,
        changes_capped=changes_capped,
    )


def unit_kind(credit_code_kind: str, is_business_registered: bool) -> str:
    """The engine's unit kind: the credit code's, corrected by 是否工商注册的企业 (an objection on
    用人单位性质 can change it): a registered enterprise is an enterprise; a unit found not to be one
    is counted with the social organisations (民办非企业 and the like)."""
    if is_business_registered:
        return "enterprise"
    return credit_code_kind if credit_code_kind in ("government", "institution", "social_org") else "social_org"


def inputs_for(*, method: str, kind: str, figures: dict, declared_headcount: int | None,
               declared_wage_total: Decimal | None, disabled_count: Fraction) -> LevyInputs:
    """The engine's inputs. Registry: N from the twelve monthly account counts, the wage bill the
    capped base total (DOMAIN.md §1: levy = (N × ratio − A) × capped_base / N). Declared: the
    申报表's 上年在职职工人数 and 工资总额."""
    if method == "registry":
        totals = registry_totals(figures)
        return LevyInputs(unit_kind=kind, wage_total=max(totals.capped_base, Decimal(0)),
                          monthly_headcounts=totals.monthly_accounts, disabled_count=disabled_count)
    return LevyInputs(unit_kind=kind, wage_total=Decimal(declared_wage_total or 0),
                      headcount=Decimal(declared_headcount or 0), disabled_count=disabled_count)


def outcome_of(result: LevyResult) -> str:
    """核定类型: over ratio when the unit placed more than required (it may apply for a reward),
    payable when a levy is due, otherwise exempt (at the ratio, a small enterprise, no staff)."""
    if result.shortfall < 0:
        return OUTCOME_OVER_RATIO
    return OUTCOME_PAYABLE if result.levy > 0 else OUTCOME_EXEMPT


def exempt_reason(result: LevyResult) -> str:
    """Why a unit pays nothing, in the outcome page's words (the limit from the policy row used)."""
    if result.headcount == 0:
        return "上年无在职职工"
    if result.reduction_rule == "at_or_over_ratio":
        return "已按规定比例安排残疾人就业"
    relief = result.policy.relief
    if result.reduction_rule == "small_enterprise_exempt" and relief is not None:
        return f"在职职工人数{relief.exempt_max_headcount}人（含）以下的企业，免征"
    return result.reduction_label


# --- what units type -------------------------------------------------------------------------------


class FigureError(ValueError):
    """A typed figure that cannot be used; `field` names the input, the message says what to do."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def money_input(value, field: str, label: str, *, negative: bool = False) -> Decimal:
    """A typed amount: a number with at most two decimals, not negative (unless allowed, a 退账),
    below 10¹²."""
    text = str(value if value is not None else "").strip().replace(",", "")
    if text == "":
        raise FigureError(field, f"请填写{label}（无此类业务填0）")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise FigureError(field, f"{label}应为数字，如 1234567.89") from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise FigureError(field, f"{label}最多保留两位小数")
    if amount < 0 and not negative:
        raise FigureError(field, f"{label}不能为负数")
    if abs(amount) >= MAX_MONEY:
        raise FigureError(field, f"{label}超过10¹²元，请核对金额")
    return amount


def count_input(value, field: str, label: str) -> int:
    text = str(value if value is not None else "").strip()
    if text == "":
        raise FigureError(field, f"请填写{label}（无人员填0）")
    if not text.isdigit():
        raise FigureError(field, f"{label}应为不小于0的整数")
    number = int(text)
    if number > MAX_HEADCOUNT:
        raise FigureError(field, f"{label}超过{MAX_HEADCOUNT}人，请核对")
    return number


def base_table(months: list[int], rows: dict, changes: dict) -> dict:
    """An objection's 征缴基数 table (twelve months: base before and after the cap and the account
    count; the four change categories) as stored figures. Raises FigureError at the first bad
    cell; a month left out is an error (0 where there was no such business)."""
    out = []
    for month in months:
        row = rows.get(month)
        if row is None:
            raise FigureError(f"base_{month}", f"缺少{month}月的数据，12个月都须填写（无此类业务填0）")
        base = money_input(row.get("base"), f"base_{month}", f"{month}社保缴费基数合计")
        capped = money_input(row.get("capped_base"), f"capped_{month}", f"{month}2倍封顶后基数合计")
        if capped > base:
            raise FigureError(f"capped_{month}", f"{month}2倍封顶后基数合计不能大于封顶前的基数合计")
        accounts = count_input(row.get("accounts"), f"accounts_{month}", f"{month}帐户人数")
        out.append({"month": month, "base": str(base), "capped_base": str(capped), "accounts": accounts})
    changed = {}
    for category in CHANGE_CATEGORIES:
        row = changes.get(category) or {}
        refund = category == "refund"
        base = money_input(row.get("base"), f"change_{category}_base", "变更基数", negative=refund)
        capped = money_input(row.get("capped_base"), f"change_{category}_capped", "变更封顶后基数", negative=refund)
        if refund and (base > 0 or capped > 0):
            raise FigureError(f"change_{category}_base", "退账基数应填写为负数或0")
        changed[category] = {"base": str(base), "capped_base": str(capped)}
    return {"months": out, "changes": changed}


def accounts_table(months: list[int], counts: dict) -> list[int]:
    """An objection's twelve monthly 帐户人数; a missing month is an error."""
    out = []
    for month in months:
        if month not in counts:
            raise FigureError(f"accounts_{month}", f"缺少{month}月的帐户人数，12个月都须填写")
        out.append(count_input(counts.get(month), f"accounts_{month}", f"{month}帐户人数"))
    return out
