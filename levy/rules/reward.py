"""超比例奖励 (DOMAIN.md §2): reward = excess persons × base × multiplier, by the region's rule.

Inner Mongolia: required = ⌈N × 1.5%⌉, excess = ⌊A − required⌋ over local-户籍 persons, eligible
from one whole excess person, base = the area class's monthly minimum wage on 12-31 of the data
year, × 5. Other regions differ only in their row's values.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor

from levy.rules.exact import exact, money, plain
from levy.rules.explain import Explanation, Step
from levy.rules.levy import disabled_count, person_weight, round_to_int
from levy.rules.policy import PERSONS_ROUNDING, Policy, PolicyRow


@dataclass(frozen=True)
class RewardResult:
    eligible: bool
    required_persons: Fraction
    excess_persons: Fraction
    base: Decimal | None
    multiplier: Fraction | None
    reward: Decimal
    reason: str
    estimate: bool  # a row it used is an unverified sample: the page says "estimate"
    steps: tuple[Step, ...]


def _not_eligible(reason: str, why: Explanation, **figures) -> RewardResult:
    why.add("eligible", "是否符合条件", reason, "不符合")
    defaults = {"required_persons": Fraction(0), "excess_persons": Fraction(0), "base": None, "multiplier": None,
                "estimate": False}
    return RewardResult(eligible=False, reward=Decimal("0.00"), reason=reason, steps=why.freeze(),
                        **{**defaults, **figures})


def over_ratio_reward(
    *, headcount: int, persons, policy: Policy, budget_funded: bool,
    base: Decimal | None = None, base_rows: tuple[PolicyRow, ...] = (),
) -> RewardResult:
    """The over-ratio reward of a unit with `headcount` staff and these disabled `persons` for the
    data year of `policy`. `base` is the minimum wage the selector found when the rule needs one."""
    why = Explanation()
    rule = policy.reward
    if rule is None:
        return _not_eligible("本地区没有超比例奖励规则", why)
    rule_rows = policy.rows_for("over_ratio_reward")
    if rule.excludes_budget_funded and budget_funded:
        return _not_eligible("财政拨款单位不享受超比例奖励", why)
    counted = [p for p in persons if p.local_hukou or not rule.local_hukou_only]
    a = disabled_count(counted, policy.weight_rule)
    terms = " + ".join(f"{p.months}×{person_weight(p.certificate, p.grade, policy.weight_rule)}" for p in counted)
    note = "（仅计本地户籍）" if rule.local_hukou_only else ""
    why.add("disabled_count", f"实际安排残疾人数{note}", f"（{terms or '0'}）÷ 12", plain(a),
            policy.rows_for("weight_rule") + rule_rows)
    ratio = rule.ratio if rule.ratio is not None else policy.ratio
    required_exact = headcount * ratio
    required = required_exact if rule.required_rounding == "exact" else \
        Fraction(round_to_int(required_exact, rule.required_rounding))
    ratio_rows = rule_rows if rule.ratio is not None else policy.rows_for("ratio")
    why.add("required_persons", "按比例应安排人数",
            f"{headcount} × {plain(ratio * 100)}% = {plain(required_exact)}，{PERSONS_ROUNDING[rule.required_rounding]}",
            plain(required), ratio_rows)
    excess_exact = a - required
    excess = Fraction(floor(excess_exact)) if rule.excess_rounding == "floor" else excess_exact
    excess = max(excess, Fraction(0))
    why.add("excess_persons", "超比例人数", f"{plain(a)} − {plain(required)} = {plain(excess_exact)}，"
            f"{PERSONS_ROUNDING[rule.excess_rounding]}", plain(excess), rule_rows)
    figures = {"required_persons": required, "excess_persons": excess}
    if headcount == 0 or excess <= 0 or excess < rule.min_excess:
        return _not_eligible(f"超比例人数 {plain(excess)} 不足 {plain(max(rule.min_excess, Fraction(0)))} 人"
                             if rule.min_excess else "实际安排比例未超过规定比例", why, **figures)
    if rule.base == "fixed":
        base, base_rows = rule.base_amount, rule_rows
        base_text = "每名超比例人员的奖励标准"
    else:
        if base is None:
            raise ValueError("the rule's base is the minimum wage: pass base=")
        base_text = f"{policy.data_year}-{rule.base_date} 执行的月最低工资标准"
    why.add("base", "奖励基数", base_text, f"{money(exact(base)):,}", base_rows)
    reward = money(excess * exact(base) * rule.multiplier)
    why.add("reward", "奖励金额", f"{plain(excess)} × {money(exact(base)):,} × {plain(rule.multiplier)}",
            f"{reward:,}", rule_rows)
    estimate = not all(row.verified for row in rule_rows + base_rows)
    reason = f"超比例安排 {plain(excess)} 人，按每人{money(exact(base)):,}元的{plain(rule.multiplier)}倍奖励"
    return RewardResult(eligible=True, base=money(exact(base)), multiplier=rule.multiplier, reward=reward,
                        reason=reason + ("（估算：标准未核实）" if estimate else ""), estimate=estimate,
                        steps=why.freeze(), **figures)
