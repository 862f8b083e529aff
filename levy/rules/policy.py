"""The policy parameters the engine works with, as plain frozen values (no ORM).

The policy table (levy.models) stores each rule's value as JSON; `parse_value` turns it into these
dataclasses and refuses a malformed one with a Chinese message, which the admin shows at the field.
Nothing here is a number of the law: every figure arrives from a policy row.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from levy.rules.exact import exact, pct, plain

NATIONAL = "000000"  # the national default's region code in the policy table

ROUNDING_MODES = {"half_up": "四舍五入", "floor": "向下取整", "ceil": "向上取整"}
PERSONS_ROUNDING = {**ROUNDING_MODES, "exact": "不取整（按实际人数）"}
UNIT_KINDS = {"enterprise": "企业", "government": "机关", "institution": "事业单位", "social_org": "社会组织"}


class PolicyValueError(ValueError):
    """A policy row's value that the engine cannot use; the message is shown to administrators."""


# words that mark a note for the administrators, not a citation for the public
INTERNAL_MARKERS = ("http", "凭记忆", "转载", "样例", "第三方", "请按", "请核实", "核实后", "原文未", "研究",
                    "数据集", "domain-rules", "假设", "www.")
_URL = re.compile(r"(https?://|www\.)\S+")


def _internal(text: str) -> bool:
    return any(marker in text for marker in INTERNAL_MARKERS)


_DOCUMENT = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号|财政部公告\d{4}年第\d+号|《[^》]+》")


def _note_or_reference(match: re.Match) -> str:
    note = match.group(0)
    if not _internal(note):
        return note
    if "凭记忆" in note:
        return ""
    documents = _DOCUMENT.findall(note)
    return f"（{'、'.join(documents)}）" if documents else ""


def public_citation(source: str) -> str:
    """The official part of a policy row's source: each “；”-separated citation without its
    parenthesised research notes (where it was read, reprints, doubts) and without bare links;
    citations that are only notes are dropped. Pure, so the calculator, explanations and
    receipts show the same words."""
    kept = []
    # parenthesised notes first (they may hold a “；”): （转载 https://…）, (文号凭记忆…) — both widths;
    # a note naming a document (“京财税〔2019〕1333号问答 https://…”) keeps the document's number
    text = re.sub(r"[（(][^（）()]*[）)]", _note_or_reference, source or "")
    for part in re.split(r"[；;]", text):
        part = _URL.sub("", part).strip(" ，,：:")
        if part and not _internal(part):
            kept.append(part)
    return "；".join(kept)


def looks_verified(source: str) -> bool:
    """A row may be marked 已核实 only when its source names an official text and none of it is a
    recollection or a sample (issue 15: a row citing “文号凭记忆” was marked 已核实)."""
    return bool(public_citation(source)) and not any(m in (source or "") for m in ("凭记忆", "样例", "请核实", "第三方"))


@dataclass(frozen=True)
class PolicyRow:
    """One row of the policy table as the engine used it: what an explanation cites and what a
    recorded assessment keeps, so a later edit of the table cannot change an issued bill."""

    table: str  # rule / social_average_wage / minimum_wage / area_class / filing_window
    id: int | None
    region_code: str
    name: str
    value: object  # JSON-able
    period: str
    source: str
    verified: bool

    @property
    def citation(self) -> str:
        """What the public reads as the source: the official citation only (document number,
        article, issuing body), never the research notes or third-party links kept in `source`
        for the administrators (issue 15); an unchecked row says so."""
        official = public_citation(self.source) or "暂无公开文件依据"
        return official + ("" if self.verified else "（未核实）")

    def to_json(self) -> dict:
        return {
            "table": self.table, "id": self.id, "region_code": self.region_code, "name": self.name,
            "value": self.value, "period": self.period, "source": self.source, "verified": self.verified,
        }

    @classmethod
    def from_json(cls, data: dict) -> "PolicyRow":
        return cls(**data)


@dataclass(frozen=True)
class WeightRule:
    """How many persons one disabled employee counts for (DOMAIN.md §1)."""

    severe_disability_grades: frozenset[int]
    severe_military_grades: frozenset[int]
    counted_military_grades: frozenset[int]
    severe_weight: int
    weight: int


# The national rule (残疾人证 1–2级 or 残疾军人证 1–3级 count twice; 残疾军人证 9–10级 not at all), also
# seeded as the national policy row; a test keeps the two equal.
NATIONAL_WEIGHT_RULE = WeightRule(
    severe_disability_grades=frozenset({1, 2}),
    severe_military_grades=frozenset({1, 2, 3}),
    counted_military_grades=frozenset(range(1, 9)),
    severe_weight=2,
    weight=1,
)


@dataclass(frozen=True)
class ReliefTier:
    code: str  # reduction_rule reported by the API (tier_50, tier_90)
    min_ratio: Fraction  # inclusive lower bound of the actual ratio
    pay_factor: Fraction  # share of the gross levy that is paid


@dataclass(frozen=True)
class ReliefRule:
    """分档减缴 and the small-enterprise exemption, for the collection years of its row."""

    tiers: tuple[ReliefTier, ...]  # highest min_ratio first
    exempt_max_headcount: int | None
    exempt_unit_kinds: frozenset[str]


@dataclass(frozen=True)
class LateFeeRule:
    daily_rate: Fraction
    start: str  # day_after_deadline
    cap: str  # principal / none


@dataclass(frozen=True)
class RewardRule:
    """超比例奖励: reward = excess persons × base × multiplier."""

    ratio: Fraction | None  # None: the levy's required ratio
    required_rounding: str  # ceil / floor / half_up / exact
    excess_rounding: str  # floor / exact
    min_excess: Fraction  # eligible when excess ≥ this (and > 0)
    base: str  # minimum_wage / fixed
    base_amount: Decimal | None  # for base == fixed
    base_date: str  # MM-DD of the data year whose minimum wage is the base
    multiplier: Fraction
    local_hukou_only: bool
    excludes_budget_funded: bool


@dataclass(frozen=True)
class Policy:
    """The parameters in force for one region and collection year, and the rows they came from."""

    region_code: str
    collection_year: int
    ratio: Fraction
    weight_rule: WeightRule
    headcount_rounding: str
    wage_cap_multiplier: Fraction | None
    social_average_wage: Decimal | None  # of the data year (collection year − 1)
    relief: ReliefRule | None
    late_fee: LateFeeRule
    reward: RewardRule | None
    rows: dict[str, PolicyRow] = field(default_factory=dict)  # parameter name → row used
    assessment_method: str = "declared"  # registry (Shanghai's 一件事) or declared (电子税务局 申报)
    hardship: object = None  # levy.rules.hardship.HardshipRule, when the region has a 缓减免 row

    @property
    def data_year(self) -> int:
        return self.collection_year - 1

    def rows_for(self, *names: str) -> tuple[PolicyRow, ...]:
        return tuple(self.rows[n] for n in names if n in self.rows)

    @classmethod
    def from_rows(cls, region_code: str, collection_year: int, rows: dict[str, PolicyRow]) -> "Policy":
        """The policy the rows describe: each rule row's value parsed, 社平 from its row."""
        values = {name: parse_value(name, row.value) for name, row in rows.items() if row.table == "rule"}
        sav = rows.get("social_average_wage")
        return cls(
            region_code=region_code,
            collection_year=collection_year,
            ratio=values["ratio"],
            weight_rule=values["weight_rule"],
            headcount_rounding=values["headcount_rounding"],
            wage_cap_multiplier=values["wage_cap_multiplier"],
            social_average_wage=Decimal(sav.value) if sav else None,
            relief=values.get("relief"),
            late_fee=values["late_fee"],
            reward=values.get("over_ratio_reward"),
            rows=dict(rows),
            assessment_method=values.get("assessment_method", "declared"),
            hardship=values.get("hardship_relief"),
        )


# --- parsing the table's JSON values ------------------------------------------------------------


def _fraction(value, what: str, *, minimum: Fraction | None = Fraction(0)) -> Fraction:
    try:
        number = exact(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise PolicyValueError(f"{what}应为数字（如 \"0.015\"），不是 {value!r}") from None
    if minimum is not None and number < minimum:
        raise PolicyValueError(f"{what}不能小于{plain(minimum)}")
    return number


def _grades(value, what: str) -> frozenset[int]:
    if not isinstance(value, list) or not all(isinstance(g, int) for g in value):
        raise PolicyValueError(f"{what}应为等级列表，如 [1, 2]")
    return frozenset(value)


def _choice(value, choices, what: str) -> str:
    if value not in choices:
        raise PolicyValueError(f"{what}应为 {', '.join(choices)} 之一，不是 {value!r}")
    return value


def _object(value, keys: set[str], what: str) -> dict:
    if not isinstance(value, dict):
        raise PolicyValueError(f"{what}应为JSON对象")
    missing = keys - value.keys()
    if missing:
        raise PolicyValueError(f"{what}缺少字段：{', '.join(sorted(missing))}")
    return value


def parse_ratio(value) -> Fraction:
    ratio = _fraction(value, "安置比例")
    if not 0 < ratio < 1:
        raise PolicyValueError("安置比例应为小数形式，如 \"0.015\" 表示1.5%")
    return ratio


def parse_weight_rule(value) -> WeightRule:
    v = _object(value, {"severe_disability_grades", "severe_military_grades", "counted_military_grades",
                        "severe_weight", "weight"}, "重度残疾计算规则")
    return WeightRule(
        severe_disability_grades=_grades(v["severe_disability_grades"], "按2人计算的残疾人证等级"),
        severe_military_grades=_grades(v["severe_military_grades"], "按2人计算的残疾军人证等级"),
        counted_military_grades=_grades(v["counted_military_grades"], "计入的残疾军人证等级"),
        severe_weight=int(_fraction(v["severe_weight"], "重度残疾折算人数")),
        weight=int(_fraction(v["weight"], "一般残疾折算人数")),
    )


def parse_relief(value) -> ReliefRule:
    v = _object(value, {"tiers", "exempt_max_headcount", "exempt_unit_kinds"}, "减免规则")
    if not isinstance(v["tiers"], list):
        raise PolicyValueError("减免档次（tiers）应为列表")
    tiers = []
    for t in v["tiers"]:
        t = _object(t, {"code", "min_ratio", "pay_factor"}, "减免档次")
        factor = _fraction(t["pay_factor"], "缴纳比例")
        if factor > 1:
            raise PolicyValueError("缴纳比例应在0到1之间，如 \"0.5\" 表示按50%缴纳")
        tiers.append(ReliefTier(str(t["code"]), _fraction(t["min_ratio"], "档次下限"), factor))
    kinds = v["exempt_unit_kinds"]
    if not isinstance(kinds, list) or any(k not in UNIT_KINDS for k in kinds):
        raise PolicyValueError(f"免征的单位类型应为 {', '.join(UNIT_KINDS)} 中的若干项")
    limit = v["exempt_max_headcount"]
    return ReliefRule(
        tiers=tuple(sorted(tiers, key=lambda t: t.min_ratio, reverse=True)),
        exempt_max_headcount=None if limit is None else int(_fraction(limit, "免征人数上限")),
        exempt_unit_kinds=frozenset(kinds),
    )


def parse_late_fee(value) -> LateFeeRule:
    v = _object(value, {"daily_rate", "start", "cap"}, "滞纳金规则")
    return LateFeeRule(
        daily_rate=_fraction(v["daily_rate"], "日滞纳金率"),
        start=_choice(v["start"], ("day_after_deadline",), "起算规则"),
        cap=_choice(v["cap"], ("principal", "none"), "上限"),
    )


def parse_reward(value) -> RewardRule:
    v = _object(value, {"required_rounding", "excess_rounding", "min_excess", "base", "multiplier",
                        "local_hukou_only", "excludes_budget_funded"}, "超比例奖励规则")
    base = _choice(v["base"], ("minimum_wage", "fixed"), "奖励基数")
    amount = v.get("base_amount")
    if base == "fixed" and amount is None:
        raise PolicyValueError("固定奖励基数须填写 base_amount")
    base_date = v.get("base_date", "12-31")
    try:
        date(2000, int(base_date[:2]), int(base_date[3:]))
    except (ValueError, TypeError):
        raise PolicyValueError("base_date 应为 MM-DD，如 \"12-31\"") from None
    return RewardRule(
        ratio=parse_ratio(v["ratio"]) if v.get("ratio") is not None else None,
        required_rounding=_choice(v["required_rounding"], PERSONS_ROUNDING, "应安排人数取整方式"),
        excess_rounding=_choice(v["excess_rounding"], ("floor", "exact"), "超比例人数取整方式"),
        min_excess=_fraction(v["min_excess"], "最少超比例人数"),
        base=base,
        base_amount=Decimal(str(amount)) if amount is not None else None,
        base_date=base_date,
        multiplier=_fraction(v["multiplier"], "倍数"),
        local_hukou_only=bool(v["local_hukou_only"]),
        excludes_budget_funded=bool(v["excludes_budget_funded"]),
    )


def _decimal_of(value, what: str) -> Decimal:
    _fraction(value, what)  # a number, not negative
    return Decimal(str(value))


def parse_hardship(value):
    from levy.rules.hardship import HardshipRule

    v = _object(value, {"max_reduction_years", "max_deferral_months", "second_officer_above"}, "缓减免规则")
    months = _fraction(v["max_deferral_months"], "最长缓缴月数")
    if months.denominator != 1 or months < 1:
        raise PolicyValueError("最长缓缴月数应为正整数")
    return HardshipRule(
        max_reduction_years=_decimal_of(v["max_reduction_years"], "最多减免年数"),
        max_deferral_months=int(months),
        second_officer_above=_decimal_of(v["second_officer_above"], "须复核的减免金额"),
    )


def parse_wage_cap(value) -> Fraction:
    return _fraction(value, "封顶倍数", minimum=Fraction(1))


def parse_rounding(value) -> str:
    return _choice(value, ROUNDING_MODES, "取整方式")


ASSESSMENT_METHODS = {"registry": "按社保征缴基数核定（一件事）", "declared": "单位申报工资总额和职工人数"}


def parse_method(value) -> str:
    return _choice(value, ASSESSMENT_METHODS, "征缴方式")


PARSERS = {
    "ratio": parse_ratio,
    "weight_rule": parse_weight_rule,
    "headcount_rounding": parse_rounding,
    "wage_cap_multiplier": parse_wage_cap,
    "relief": parse_relief,
    "late_fee": parse_late_fee,
    "over_ratio_reward": parse_reward,
    "assessment_method": parse_method,
    "hardship_relief": parse_hardship,
}
REQUIRED_RULES = ("ratio", "weight_rule", "headcount_rounding", "wage_cap_multiplier", "late_fee")


def parse_value(name: str, value):
    """The engine's value for a policy row, or PolicyValueError with a message for the admin."""
    if name not in PARSERS:
        raise PolicyValueError(f"未知的参数：{name}")
    return PARSERS[name](value)


def _grades_text(grades) -> str:
    grades = sorted(grades)
    return f"{grades[0]}-{grades[-1]}" if grades == list(range(grades[0], grades[-1] + 1)) else "、".join(map(str, grades))


def describe_value(name: str, value) -> str:
    """A policy row's value in plain Chinese, for pages (the JSON stays what is stored)."""
    try:
        parsed = parse_value(name, value) if name in PARSERS else value
    except PolicyValueError:
        return str(value)
    if name == "ratio":
        return pct(parsed)
    if name == "weight_rule":
        return (f"残疾人证{_grades_text(parsed.severe_disability_grades)}级、残疾军人证"
                f"{_grades_text(parsed.severe_military_grades)}级按{parsed.severe_weight}人计，其他按{parsed.weight}人计；"
                f"残疾军人证只计{_grades_text(parsed.counted_military_grades)}级")
    if name == "assessment_method":
        return ASSESSMENT_METHODS[parsed]
    if name == "headcount_rounding":
        return f"12个月平均后{ROUNDING_MODES[parsed]}"
    if name == "wage_cap_multiplier":
        return f"社会平均工资的{plain(parsed)}倍"
    if name == "relief":
        parts = [f"实际安排比例≥{pct(t.min_ratio)}按{pct(t.pay_factor)}缴纳" for t in parsed.tiers]
        if parsed.exempt_max_headcount is not None:
            kinds = "、".join(UNIT_KINDS[k] for k in sorted(parsed.exempt_unit_kinds))
            parts.append(f"在职职工{parsed.exempt_max_headcount}人以下（含）的{kinds}免征")
        return "；".join(parts) or "无减免"
    if name == "late_fee":
        cap = "，以欠缴金额为上限" if parsed.cap == "principal" else ""
        return f"每日{plain(parsed.daily_rate * 1000)}‰，自缴费期限届满次日起算{cap}"
    if name == "hardship_relief":
        return (f"减免不超过{plain(exact(parsed.max_reduction_years))}年的残保金；缓缴不超过{parsed.max_deferral_months}个月；"
                f"减免金额超过{parsed.second_officer_above:,}元须第二名税务人员复核")
    if name == "over_ratio_reward":
        base = "月最低工资" if parsed.base == "minimum_wage" else f"每人{parsed.base_amount}元"
        text = (f"超比例人数（应安排人数{PERSONS_ROUNDING[parsed.required_rounding]}，超出人数"
                f"{PERSONS_ROUNDING[parsed.excess_rounding]}）× {base} × {plain(parsed.multiplier)}")
        if parsed.local_hukou_only:
            text += "；只计本地户籍"
        if parsed.excludes_budget_funded:
            text += "；财政拨款单位除外"
        return text
    if isinstance(value, dict):
        return "，".join(f"{k}: {v}" for k, v in value.items())
    return str(value)
