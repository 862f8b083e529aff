"""The levy engine: pure functions over plain values (no ORM), exact arithmetic, money rounded once
half-up to 0.01, every result with its explanation. Policy values always arrive as arguments.

Other apps call: retirement_month, is_working_age, working_age_months (DOMAIN.md §4) and
person_weight (§1); levy's own selectors and views call the rest.
"""

from levy.rules.certificates import CertificateKind
from levy.rules.exact import money, percent_text, plain, round_half_up, shown
from levy.rules.explain import Step
from levy.rules.late_fee import LateFeeResult, late_fee
from levy.rules.levy import (
    DisabledPerson,
    LevyInputs,
    LevyResult,
    calculate_levy,
    disabled_count,
    person_problems,
    person_weight,
    savings_from_hiring,
)
from levy.rules.policy import (
    NATIONAL,
    NATIONAL_WEIGHT_RULE,
    LateFeeRule,
    Policy,
    PolicyRow,
    PolicyValueError,
    ReliefRule,
    RewardRule,
    WeightRule,
    parse_value,
)
from levy.rules.reward import RewardResult, over_ratio_reward
from levy.rules.working_age import is_working_age, retirement_month, working_age_months

ENGINE_VERSION = "1"  # bump when a change to the engine could change an issued figure

__all__ = [
    "ENGINE_VERSION", "CertificateKind", "NATIONAL", "NATIONAL_WEIGHT_RULE", "DisabledPerson", "LateFeeResult", "LateFeeRule",
    "LevyInputs", "LevyResult", "Policy", "PolicyRow", "PolicyValueError", "ReliefRule", "RewardResult",
    "RewardRule", "Step", "WeightRule", "calculate_levy", "disabled_count", "is_working_age", "late_fee", "percent_text",
    "money", "over_ratio_reward", "parse_value", "person_problems", "person_weight", "plain",
    "retirement_month", "round_half_up", "savings_from_hiring", "shown", "working_age_months",
]
