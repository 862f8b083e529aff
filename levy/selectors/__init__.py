"""Reads of the policy table: the parameters in force for a region and year, looked up from the
region upwards (county → city → province → national default), and the estimates the calculator
page and the public API show. Other apps (placement) read minimum wages, ratios and weight rules
here; they never query levy's tables themselves.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from django.db.models import Q
from django.utils import timezone

from levy.choices import RuleName
from levy.models import (
    AreaClass,
    CertifiedFigures,
    FilingWindow,
    LevyAssessment,
    MinimumWage,
    PolicyRule,
    SocialAverageWage,
)
from levy.rules import (
    NATIONAL,
    DisabledPerson,
    LateFeeResult,
    LevyInputs,
    LevyResult,
    Policy,
    PolicyRow,
    RewardResult,
    WeightRule,
    calculate_levy,
    late_fee,
    over_ratio_reward,
    savings_from_hiring,
)
from levy.rules.assessment import unit_kind
from levy.rules.policy import REQUIRED_RULES, parse_value
from portal import reference
from portal.exceptions import ValidationFailed
from portal.identity import unit_kind_of
from portal.models import Region


class PolicyMissing(ValidationFailed):
    """The policy table has no row for a parameter the calculation needs."""

    code = "policy_missing"


def region_chain(region_code: str) -> list[str]:
    """The region's code and its ancestors' up to the province, then the national default."""
    if region_code == NATIONAL:
        return [NATIONAL]
    path = reference.cached("region", f"path:{region_code}",
                            lambda: Region.objects.filter(code=region_code).values_list("path", flat=True).first())
    if path is None:
        raise ValidationFailed("请选择有效的行政区划", field="region")
    return [*reversed([c for c in path.split("/") if c]), NATIONAL]


def _most_specific(rows, chain: list[str]):
    """The row of the region nearest to the unit (rows of one parameter, already filtered)."""
    rank = {code: i for i, code in enumerate(chain)}
    return min(rows, key=lambda r: rank[r.region_code], default=None)


def _in_force(year: int) -> Q:
    return Q(first_year__lte=year) & (Q(last_year__isnull=True) | Q(last_year__gte=year))


def policy_for(region_code: str, collection_year: int) -> Policy:
    """The levy parameters in force for a unit of `region_code` in `collection_year` (data year + 1),
    with the rows they came from. Raises PolicyMissing when a required parameter has no row."""
    return _policy(region_code, collection_year, region_chain(region_code))


def _policy(region_code: str, collection_year: int, chain: list[str], rules: list[PolicyRule] | None = None) -> Policy:
    if rules is None:
        rules = _rule_rows(collection_year, chain)
    chosen = {}
    for name in RuleName.values:
        row = _most_specific([r for r in rules if r.name == name], chain)
        if row is not None:
            chosen[name] = row
    missing = [RuleName(n).label for n in REQUIRED_RULES if n not in chosen]
    if missing:
        raise PolicyMissing(f"政策参数表缺少{collection_year}年征收适用的：{'、'.join(missing)}，请联系管理员补充")
    rows = {name: row.as_row() for name, row in chosen.items()}
    sav = _most_specific(SocialAverageWage.objects.filter(region_code__in=chain, data_year=collection_year - 1), chain)
    if sav is not None:
        rows["social_average_wage"] = sav.as_row()
    return Policy.from_rows(region_code, collection_year, rows)


def _rule_rows(collection_year: int, chain: list[str]) -> list[PolicyRule]:
    """Every rule row in force along the region chain (a few dozen at most)."""
    return reference.cached("policy_rule", f"{collection_year}:{','.join(chain)}", lambda: list(
        PolicyRule.objects.filter(_in_force(collection_year), region_code__in=chain)))


def _rule_value(rows: list[PolicyRule], chain: list[str], name: str, collection_year: int):
    """One parameter's value from the rows, the region nearest the unit first; PolicyMissing without one."""
    row = _most_specific([r for r in rows if r.name == name], chain)
    if row is None:
        raise PolicyMissing(f"政策参数表缺少{collection_year}年征收适用的：{RuleName(name).label}，请联系管理员补充")
    return parse_value(name, row.value)


class RegionRules:
    """One region's policy for one collection year, each table read at most once. A page asks the
    same unit's ratio, weight rule and filing window (the home page read the region three times and
    the rule table twice, and the 社平 table for a ratio: issue 20); AnnualDeclaration.region_rules
    keeps one per loaded declaration."""

    def __init__(self, region_code: str, collection_year: int):
        self.region_code, self.collection_year = region_code, collection_year
        self._windows: dict[str, tuple | None] = {}

    @cached_property
    def chain(self) -> list[str]:
        return region_chain(self.region_code)

    @cached_property
    def rule_rows(self) -> list[PolicyRule]:
        return _rule_rows(self.collection_year, self.chain)

    @cached_property
    def policy(self) -> Policy:
        """The whole policy (with 社平). Raises PolicyMissing (and asks again next time) when a
        required parameter has no row."""
        return _policy(self.region_code, self.collection_year, self.chain, self.rule_rows)

    @cached_property
    def ratio(self) -> Fraction:
        """规定比例; raises PolicyMissing without a row."""
        return _rule_value(self.rule_rows, self.chain, RuleName.RATIO, self.collection_year)

    @cached_property
    def weight_rule(self) -> WeightRule:
        """The severe-disability weight rule; raises PolicyMissing without a row."""
        return _rule_value(self.rule_rows, self.chain, RuleName.WEIGHT_RULE, self.collection_year)

    def filing_window(self, kind: str = "certification") -> tuple[datetime.date, datetime.date] | None:
        if kind not in self._windows:
            self._windows[kind] = _filing_window(self.collection_year, self.chain, kind)
        return self._windows[kind]


# --- minimum wages ------------------------------------------------------------------------------


def area_class_row(region_code: str, on: datetime.date) -> AreaClass | None:
    """The area class in force on `on` for the region (its own row, else its city's or province's)."""
    chain = region_chain(region_code)
    rows = AreaClass.objects.filter(region_code__in=chain, effective_from__lte=on).order_by("-effective_from")
    return _most_specific(_latest_per_region(rows), chain)


def _latest_per_region(rows):
    latest = {}
    for row in rows:  # ordered newest first
        latest.setdefault(row.region_code, row)
    return list(latest.values())


def minimum_wage_row(region_code: str, on: datetime.date, area_class: int | None = None) -> MinimumWage:
    """The monthly minimum wage row in force on `on` for the region's area class (or the class
    given). Raises PolicyMissing when none is recorded."""
    chain = region_chain(region_code)
    if area_class is None:
        class_row = area_class_row(region_code, on)
        area_class = class_row.area_class if class_row else 0
    rows = MinimumWage.objects.filter(
        region_code__in=chain, area_class=area_class, effective_from__lte=on
    ).order_by("-effective_from")
    row = _most_specific(_latest_per_region(rows), chain)
    if row is None:
        what = f"{area_class}类地区" if area_class else "（未设地区类别）"
        raise PolicyMissing(f"政策参数表缺少该地区{what}{on}执行的月最低工资标准，请联系管理员补充")
    return row


def minimum_wage(region_code: str, year: int, month: int) -> Decimal:
    """The monthly minimum wage in force on the first day of (year, month) for the region's area class."""
    return minimum_wage_row(region_code, datetime.date(year, month, 1)).amount


def filing_window(region_code: str, business_year: int, kind: str = "certification") -> tuple[datetime.date, datetime.date] | None:
    """The 联网认证 (kind="certification") or payment window for a business year's declaration:
    dates in the collection year (business year + 1), or None when the table has none."""
    return _filing_window(business_year + 1, region_chain(region_code), kind)


def _filing_window(collection_year: int, chain: list[str], kind: str) -> tuple[datetime.date, datetime.date] | None:
    def load():
        rows = FilingWindow.objects.filter(_in_force(collection_year), region_code__in=chain, kind=kind)
        row = _most_specific(rows, chain)
        return row.dates(collection_year) if row else None

    return reference.cached("filing_window", f"{collection_year}:{kind}:{','.join(chain)}", load)


def certified_figures_for(*, employer, business_year: int) -> CertifiedFigures | None:
    """The active certified figures of a unit's business year, if any."""
    return CertifiedFigures.objects.filter(
        employer=employer, business_year=business_year, cancelled_at__isnull=True
    ).first()


# --- estimates for the calculator and the public API -------------------------------------------


@dataclass(frozen=True)
class LevyEstimate:
    result: LevyResult
    savings: list[tuple[str, Decimal]]  # (who is hired, levy saved)


def levy_estimate(*, region_code: str, data_year: int, inputs: LevyInputs, with_savings: bool = False) -> LevyEstimate:
    """The levy a unit would pay for `data_year`, and optionally what one more disabled employee
    (a severe one, an ordinary one, all year) would save."""
    policy = policy_for(region_code, data_year + 1)
    result = calculate_levy(inputs, policy)
    savings = []
    if with_savings:
        for label, grade in (("新安置1名1-2级残疾人（全年）", 1), ("新安置1名3-4级残疾人（全年）", 3)):
            saved, _ = savings_from_hiring(inputs, policy, DisabledPerson("disability", grade, 12))
            savings.append((label, saved))
    return LevyEstimate(result, savings)


@dataclass(frozen=True)
class ImpliedLevy:
    """What a certification implies for the levy, for the reviewer who certifies it."""

    result: LevyResult | None
    wage_basis: str  # how the unit's average wage was taken (the engine needs a wage bill)
    missing: str = ""  # why there is no figure (no policy row, or no wage to price the shortfall with)


def implied_levy(*, employer, business_year: int, headcount: int, disabled_count: Fraction) -> ImpliedLevy:
    """The levy a declaration's figures imply, from the engine: the unit's declared wage bill when
    the levy has it, otherwise the region's 上年社会平均工资 for each employee (the figure the
    cap is measured against; the tax bureau assesses on the real wage bill). The unit kind is the
    assessment's (levy.rules.assessment.unit_kind: an objection on 用人单位性质 corrects it)."""
    try:
        policy = policy_for(employer.admin_region_id, business_year + 1)
    except PolicyMissing as error:
        return ImpliedLevy(None, "", missing=error.message)
    assessment = LevyAssessment.objects.filter(employer=employer, collection_year=business_year + 1).first()
    wage_total = assessment.declared_wage_total if assessment else None
    registered = (assessment or employer).is_business_registered  # the assessment's, once there is one
    kind = unit_kind(unit_kind_of(employer.credit_code), registered)
    basis = "按单位申报的上年工资总额"
    missing = ""
    if wage_total is None and policy.social_average_wage is None:
        # the shortfall still comes from the engine; only its price in yuan is unknown
        wage_total, basis = Decimal(0), ""
        missing = f"单位尚未申报上年工资总额，{policy.data_year}年社会平均工资未录入政策参数表"
    elif wage_total is None:
        wage_total = policy.social_average_wage * headcount
        basis = f"按{policy.data_year}年社会平均工资{policy.social_average_wage}元/人估算，实际以税务核定的工资总额为准"
    inputs = LevyInputs(unit_kind=kind, wage_total=wage_total, headcount=Decimal(headcount),
                        disabled_count=disabled_count)
    return ImpliedLevy(calculate_levy(inputs, policy), basis, missing=missing)


def late_fee_estimate(*, principal: Decimal, deadline: datetime.date, paid_on: datetime.date,
                      region_code: str = NATIONAL) -> tuple[LateFeeResult, Policy]:
    """The late fee under the rule in force in the year of the deadline."""
    policy = policy_for(region_code, deadline.year)
    result = late_fee(principal=principal, deadline=deadline, paid_on=paid_on, rule=policy.late_fee,
                      rows=policy.rows_for("late_fee"))
    return result, policy


def reward_estimate(*, region_code: str, data_year: int, headcount: int, persons: tuple[DisabledPerson, ...],
                    budget_funded: bool, area_class: int | None = None) -> tuple[RewardResult, Policy]:
    """The over-ratio reward for `data_year` (collection year data_year + 1)."""
    policy = policy_for(region_code, data_year + 1)
    base, base_rows = None, ()
    rule = policy.reward
    if rule is not None and rule.base == "minimum_wage":
        month, day = int(rule.base_date[:2]), int(rule.base_date[3:])
        row = minimum_wage_row(region_code, datetime.date(data_year, month, day), area_class=area_class)
        base, base_rows = row.amount, (row.as_row(),)
    result = over_ratio_reward(headcount=headcount, persons=persons, policy=policy, budget_funded=budget_funded,
                               base=base, base_rows=base_rows)
    return result, policy


# --- the policy check ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyGap:
    region_code: str
    region_name: str
    message: str


def next_collection_year() -> int:
    """The collection year after this one (Asia/Shanghai): the one the check looks ahead to."""
    return timezone.localdate().year + 1


def policy_gaps(collection_year: int | None = None) -> list[PolicyGap]:
    """Regions in use (units' 单位所属行政区) whose parameters for `collection_year` (default: the
    next one) are missing: required rules, the data year's 社平, the 联网认证 window and the data
    year's minimum wage."""
    from employers.models import Employer

    year = collection_year or next_collection_year()
    data_year = year - 1
    gaps = []
    regions = Region.objects.filter(code__in=Employer.objects.values("admin_region")).order_by("code")
    for region in regions:
        def gap(message, region=region):
            gaps.append(PolicyGap(region.code, region.full_name, message))

        try:
            policy = policy_for(region.code, year)
        except PolicyMissing as error:
            gap(error.message)
            continue
        if policy.social_average_wage is None:
            gap(f"缺少{data_year}年度社会平均工资（年平均工资无法按倍数封顶）")
        if filing_window(region.code, data_year) is None:
            gap(f"缺少{year}年联网认证时间窗口")
        try:
            minimum_wage_row(region.code, datetime.date(data_year, 12, 1))
        except PolicyMissing:
            gap(f"缺少{data_year}年适用的月最低工资标准或地区类别")
    return gaps


def region_names(codes) -> dict[str, str]:
    """Full names of region codes ("全国默认" for the national default), in one query."""
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "full_name"))
    return {code: "全国默认" if code == NATIONAL else names.get(code, code) for code in codes}


def rows_of(policy: Policy) -> list[PolicyRow]:
    """The rows a policy used, in the order of the parameters (for pages and the API)."""
    return list(policy.rows.values())


def certified_results_visible(user):
    """Certified figures of the units a user may see — the active ones and those a reopening
    cancelled (shown as 已作废 with the time and reason until the year is certified again): tax
    officers (and tax systems' tokens) by the unit's 税务主管部门, federation staff by 残联主管部门,
    administrators all."""
    from portal.scoping import employer_scope_q

    return (
        CertifiedFigures.objects.filter(employer_scope_q(user, prefix="employer__"))
        .select_related("employer", "employer__tax_region")
    )
