"""The levy (残疾人就业保障金), DOMAIN.md §1:

    gross = (N × ratio − A) × W   when positive, else 0;  then relief;  money rounded once.

Everything is exact (Fraction) until the output; every figure is explained with the policy rows
it used.
"""

from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor

from levy.rules.certificates import CertificateKind
from levy.rules.exact import exact, money, pct, plain
from levy.rules.explain import Explanation, Step
from levy.rules.policy import (
    NATIONAL_WEIGHT_RULE,
    ROUNDING_MODES,
    UNIT_KINDS,
    Policy,
    WeightRule,
)

MONTHS = 12

REDUCTION_LABELS = {
    "at_or_over_ratio": "已达到规定比例，无需缴纳",
    "none": "无减免",
    "small_enterprise_exempt": "小微企业免征",
}


# --- persons ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisabledPerson:
    """A disabled employee (or, in the simple calculator, a group's person-months of one grade)."""

    certificate: str  # disability / military
    grade: int
    months: int  # eligible months in the data year
    local_hukou: bool = True  # for rewards that count local 户籍 only
    label: str = ""

    def to_json(self) -> dict:
        return {"certificate": self.certificate, "grade": self.grade, "months": self.months,
                "local_hukou": self.local_hukou, "label": self.label}


def person_problems(certificate: str, grade, months) -> dict[str, str]:
    """What is wrong with one disabled person's figures, by field, in Chinese (empty when fine).
    The calculator form and the API both ask this, so they refuse the same things."""
    problems = {}
    if certificate not in CertificateKind:
        problems["certificate"] = "请选择证件类型：残疾人证或残疾军人证"
    elif grade is None or grade not in CertificateKind(certificate).grades:
        kind = CertificateKind(certificate)
        problems["grade"] = f"{kind.label}的等级应为{kind.grades[0]}至{kind.grades[-1]}级"
    if months is None or not 0 <= months <= MONTHS:
        problems["months"] = f"安置月数应为0至{MONTHS}"
    return problems


def person_weight(certificate_kind: str, grade: int, rule: WeightRule | None = None) -> int:
    """How many persons one disabled employee counts for: the severe weight for 残疾人证 1–2级 or
    残疾军人证 1–3级, the ordinary weight for other counted grades, 0 for 残疾军人证 grades the
    rule does not count (9–10级 nationally). `rule` defaults to the national rule (2 / 1 / 0)."""
    rule = rule or NATIONAL_WEIGHT_RULE
    if certificate_kind not in CertificateKind or grade not in CertificateKind(certificate_kind).grades:
        raise ValueError(f"no {certificate_kind!r} certificate has grade {grade!r}")
    if certificate_kind == CertificateKind.DISABILITY:
        return rule.severe_weight if grade in rule.severe_disability_grades else rule.weight
    if grade not in rule.counted_military_grades:
        return 0
    return rule.severe_weight if grade in rule.severe_military_grades else rule.weight


def disabled_count(persons, rule: WeightRule) -> Fraction:
    """A = Σ months × weight / 12, exact (never rounded)."""
    return sum((Fraction(p.months * person_weight(p.certificate, p.grade, rule), MONTHS) for p in persons),
               Fraction(0))


# --- inputs and result --------------------------------------------------------------------------


@dataclass(frozen=True)
class LevyInputs:
    """A unit's figures for one data year. Give the twelve monthly headcounts or one headcount."""

    unit_kind: str  # enterprise / government / institution / social_org
    wage_total: Decimal
    monthly_headcounts: tuple[int, ...] = ()
    headcount: Decimal | None = None
    disabled: tuple[DisabledPerson, ...] = ()
    disabled_count: Fraction | None = None  # a figure already counted (a certified declaration's)
    social_average_wage: Decimal | None = None  # overrides the policy table's 社平

    def __post_init__(self):
        if self.unit_kind not in UNIT_KINDS:
            raise ValueError(f"unknown unit kind {self.unit_kind!r}")
        if self.monthly_headcounts and len(self.monthly_headcounts) != MONTHS:
            raise ValueError("monthly_headcounts needs twelve months")
        if not self.monthly_headcounts and self.headcount is None:
            raise ValueError("give monthly_headcounts or headcount")
        numbers = [self.wage_total, *self.monthly_headcounts, self.headcount, self.disabled_count]
        if any(n is not None and n < 0 for n in numbers):
            raise ValueError("figures cannot be negative")

    def with_person(self, person: DisabledPerson) -> "LevyInputs":
        return replace(self, disabled=(*self.disabled, person))

    def to_json(self) -> dict:
        return {
            "unit_kind": self.unit_kind,
            "wage_total": str(self.wage_total),
            "monthly_headcounts": list(self.monthly_headcounts),
            "headcount": None if self.headcount is None else str(self.headcount),
            "disabled": [p.to_json() for p in self.disabled],
            "disabled_count": None if self.disabled_count is None else str(self.disabled_count),
            "social_average_wage": None if self.social_average_wage is None else str(self.social_average_wage),
        }

    @classmethod
    def from_json(cls, data: dict) -> "LevyInputs":
        def dec(key):
            return None if data.get(key) is None else Decimal(data[key])

        return cls(
            unit_kind=data["unit_kind"],
            wage_total=Decimal(data["wage_total"]),
            monthly_headcounts=tuple(data["monthly_headcounts"]),
            headcount=dec("headcount"),
            disabled=tuple(DisabledPerson(**p) for p in data["disabled"]),
            disabled_count=None if data.get("disabled_count") is None else Fraction(data["disabled_count"]),
            social_average_wage=dec("social_average_wage"),
        )


@dataclass(frozen=True)
class LevyResult:
    headcount: int
    ratio: Fraction
    disabled_count: Fraction
    required_count: Fraction
    shortfall: Fraction
    actual_ratio: Fraction
    average_wage_exact: Fraction  # the wage used, after any cap
    average_wage_uncapped_exact: Fraction
    cap: Decimal | None
    cap_applied: bool
    gross_exact: Fraction
    reduction_rule: str
    reduction_label: str
    pay_factor: Fraction
    steps: tuple[Step, ...]
    policy: Policy
    warnings: tuple[str, ...] = ()

    @property
    def average_wage(self) -> Decimal:
        return money(self.average_wage_exact)

    @property
    def average_wage_uncapped(self) -> Decimal:
        return money(self.average_wage_uncapped_exact)

    @property
    def gross_levy(self) -> Decimal:
        return money(self.gross_exact)

    @property
    def levy(self) -> Decimal:
        # the tier factor applies to the exact gross; only the final figure is rounded
        return money(self.gross_exact * self.pay_factor)

    @property
    def ratio_text(self) -> str:
        return pct(self.ratio)

    @property
    def actual_ratio_text(self) -> str:
        return pct(self.actual_ratio)

    @property
    def formula_numbers(self) -> str:
        """The manual's one-line formula with this unit's figures (issue 15): “（120 × 1.5% − 1）×
        60000.00 × 50% = 18000.00”; a unit at or over the ratio owes nothing, and the line says so."""
        base = f"（{self.headcount} × {pct(self.ratio)} − {plain(self.disabled_count)}）× {self.average_wage}"
        if self.shortfall <= 0:
            return f"{base} ≤ 0，无需缴纳"
        factor = "" if self.pay_factor == 1 else f" × {pct(self.pay_factor)}"
        return f"{base}{factor} = {self.levy}"

    @property
    def reduction(self) -> Decimal:
        # shown figures add up: gross = levy + reduction
        return self.gross_levy - self.levy


# --- the calculation ----------------------------------------------------------------------------


def round_to_int(value: Fraction, mode: str) -> int:
    """Round a non-negative exact value by the region's mode (half_up / floor / ceil)."""
    if mode == "half_up":
        return floor(value + Fraction(1, 2))
    if mode == "floor":
        return floor(value)
    if mode == "ceil":
        return ceil(value)
    raise ValueError(f"unknown rounding mode {mode!r}")


def yuan(value) -> str:
    """12345.6 → 12,345.60 (for formulas)."""
    return f"{money(exact(value) if not isinstance(value, Fraction) else value):,}"


def _headcount(inputs: LevyInputs, policy: Policy, why: Explanation) -> int:
    mode = policy.headcount_rounding
    rows = policy.rows_for("headcount_rounding")
    if inputs.monthly_headcounts:
        total = sum(inputs.monthly_headcounts)
        average = Fraction(total, MONTHS)
        n = round_to_int(average, mode)
        if why:
            formula = f"（{' + '.join(map(str, inputs.monthly_headcounts))}）÷ 12 = {total} ÷ 12 = {plain(average)}，{ROUNDING_MODES[mode]}"
    else:
        average = exact(inputs.headcount)
        n = round_to_int(average, mode)
        if why:
            formula = f"填报的年平均人数 {plain(average)}" + ("" if average.denominator == 1 else f"，{ROUNDING_MODES[mode]}")
    why and why.add("headcount", "上年在职职工人数", formula, n, rows)
    return n


def _disabled(inputs: LevyInputs, policy: Policy, why: Explanation) -> Fraction:
    rule = policy.weight_rule
    a = disabled_count(inputs.disabled, rule)
    if not why:
        return a + (inputs.disabled_count or 0)
    terms = [
        f"{p.months}×{person_weight(p.certificate, p.grade, rule)}"
        for p in inputs.disabled
    ]
    if inputs.disabled_count is not None:
        a += inputs.disabled_count
        terms.insert(0, f"已认证 {plain(inputs.disabled_count)}×12")
    formula = f"Σ（安置月数×折算人数）÷ 12 = （{' + '.join(terms) or '0'}）÷ 12" if terms else "未安排残疾人"
    why and why.add("disabled_count", "上年实际安排残疾人就业人数", formula, plain(a), policy.rows_for("weight_rule"))
    return a


def _average_wage(inputs: LevyInputs, policy: Policy, n: int, why: Explanation, warnings: list):
    uncapped = Fraction(exact(inputs.wage_total), n)
    why and why.add("average_wage", "上年在职职工年平均工资", f"工资总额 {yuan(inputs.wage_total)} ÷ {n}", yuan(uncapped))
    sav = inputs.social_average_wage if inputs.social_average_wage is not None else policy.social_average_wage
    multiplier = policy.wage_cap_multiplier
    cap_rows = policy.rows_for("wage_cap_multiplier")
    if inputs.social_average_wage is None:
        cap_rows += policy.rows_for("social_average_wage")
    if multiplier is None:
        return uncapped, uncapped, None, False
    if sav is None:
        warnings.append(f"未找到{policy.data_year}年度当地社会平均工资，未能按{plain(multiplier)}倍封顶，结果可能偏高")
        why and why.add("wage_cap", "封顶", f"缺少{policy.data_year}年度社会平均工资，未封顶", yuan(uncapped), cap_rows)
        return uncapped, uncapped, None, False
    cap = exact(sav) * multiplier
    sav_note = "（用户填写）" if inputs.social_average_wage is not None else ""
    if uncapped > cap:
        formula = f"社会平均工资{sav_note} {yuan(sav)} × {plain(multiplier)} = {yuan(cap)}，年平均工资高于上限，按上限计算"
        used, applied = cap, True
    else:
        formula = f"社会平均工资{sav_note} {yuan(sav)} × {plain(multiplier)} = {yuan(cap)}，年平均工资未超过上限"
        used, applied = uncapped, False
    why and why.add("wage_cap", "计征工资（封顶后）", formula, yuan(used), cap_rows)
    return used, uncapped, money(cap), applied


def _relief(inputs, policy: Policy, n: int, shortfall: Fraction, actual: Fraction, why: Explanation):
    """(reduction_rule, label, pay_factor), in DOMAIN.md §6's order."""
    relief = policy.relief
    rows = policy.rows_for("relief")
    if shortfall <= 0:
        return "at_or_over_ratio", REDUCTION_LABELS["at_or_over_ratio"], Fraction(0)
    if relief is None:
        why and why.add("relief", "减免", f"{policy.collection_year}年征收时没有在执行的分档减缴或免征政策", "无减免")
        return "none", REDUCTION_LABELS["none"], Fraction(1)
    if relief.exempt_max_headcount is not None and inputs.unit_kind in relief.exempt_unit_kinds \
            and n <= relief.exempt_max_headcount:
        why and why.add("relief", "减免", f"{UNIT_KINDS[inputs.unit_kind]}，在职职工 {n} 人 ≤ {relief.exempt_max_headcount} 人，免征",
                "免征", rows)
        return "small_enterprise_exempt", REDUCTION_LABELS["small_enterprise_exempt"], Fraction(0)
    for i, tier in enumerate(relief.tiers):
        if actual >= tier.min_ratio:
            label = f"分档减缴：按应缴额的{pct(tier.pay_factor)}缴纳"
            bound = f"≥ {pct(tier.min_ratio)}" if tier.min_ratio or i == 0 else f"< {pct(relief.tiers[i - 1].min_ratio)}"
            why and why.add("relief", "减免", f"实际安排比例 {pct(actual)} {bound}，按应缴额的{pct(tier.pay_factor)}缴纳",
                    pct(tier.pay_factor), rows)
            return tier.code, label, tier.pay_factor
    why and why.add("relief", "减免", "不符合减免条件", "无减免", rows)
    return "none", REDUCTION_LABELS["none"], Fraction(1)


def calculate_levy(inputs: LevyInputs, policy: Policy, *, explain: bool = True) -> LevyResult:
    """The levy of one unit for one data year under `policy`, with its explanation (`explain=False`:
    the same figures without building one, for the year-end bulk; a page asks again when shown)."""
    why, warnings = (Explanation() if explain else None), []
    n = _headcount(inputs, policy, why)
    a = _disabled(inputs, policy, why)
    ratio = policy.ratio
    required = n * ratio
    why and why.add("required_count", "应安排残疾人就业人数", f"{n} × {pct(ratio)}", plain(required), policy.rows_for("ratio"))
    shortfall = required - a
    why and why.add("shortfall", "差额人数", f"{plain(required)} − {plain(a)}", plain(shortfall))
    actual = Fraction(a, n) if n else Fraction(0)
    why and why.add("actual_ratio", "实际安排比例", f"{plain(a)} ÷ {n}" if n else "职工人数为0", pct(actual))
    if n == 0:
        used = uncapped = Fraction(0)
        cap, applied = None, False
        warnings.append("职工人数为0，无需缴纳")
    else:
        used, uncapped, cap, applied = _average_wage(inputs, policy, n, why, warnings)
    gross = max(shortfall, Fraction(0)) * used
    if shortfall > 0:
        why and why.add("gross_levy", "应缴额（减免前）", f"差额人数 {plain(shortfall)} × 计征工资 {yuan(used)}", yuan(gross))
    else:
        why and why.add("gross_levy", "应缴额（减免前）", "已达到或超过规定比例", yuan(0))
    rule, label, factor = _relief(inputs, policy, n, shortfall, actual, why)
    levy = money(gross * factor)
    why and why.add("levy", "应缴纳残保金", f"{yuan(gross)} × {pct(factor)}" if shortfall > 0 else "无需缴纳", f"{levy:,}")
    return LevyResult(
        headcount=n, ratio=ratio, disabled_count=a, required_count=required, shortfall=shortfall,
        actual_ratio=actual, average_wage_exact=used, average_wage_uncapped_exact=uncapped, cap=cap,
        cap_applied=applied, gross_exact=gross, reduction_rule=rule, reduction_label=label, pay_factor=factor,
        steps=why.freeze() if why else (), policy=policy, warnings=tuple(warnings),
    )


def savings_from_hiring(inputs: LevyInputs, policy: Policy, person: DisabledPerson) -> tuple[Decimal, LevyResult]:
    """预计可节约: how much less levy the unit would pay with one more disabled employee."""
    before = calculate_levy(inputs, policy)
    after = calculate_levy(inputs.with_person(person), policy)
    return before.levy - after.levy, after
