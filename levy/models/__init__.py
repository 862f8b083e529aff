"""The levy app's tables: the policy table and the certified figures (policy.py), the assessment
journey (assessment.py: 征缴 per unit and collection year, what levy knows of a unit's placement
declaration), its objections (objection.py) and its payments (payment.py)."""

from levy.models.assessment import DeclarationStatus, LevyAssessment
from levy.models.bulk import LevyBulkJob
from levy.models.objection import Objection
from levy.models.payment import LevyPayment
from levy.models.policy import (
    POSITIVE,
    AreaClass,
    CertifiedFigures,
    CertifiedPerson,
    DatedPolicy,
    FilingWindow,
    MinimumWage,
    PolicyBase,
    PolicyRule,
    SocialAverageWage,
    YearRangePolicy,
    region_label,
    validate_month_day,
    years_label,
)
from levy.models.relief import ReliefApplication
from levy.models.reward import OverRatioReward, RewardPayout

__all__ = [
    "POSITIVE", "AreaClass", "CertifiedFigures", "CertifiedPerson", "DatedPolicy", "DeclarationStatus", "FilingWindow",
    "LevyAssessment", "LevyBulkJob", "LevyPayment", "MinimumWage", "Objection", "OverRatioReward",
    "ReliefApplication", "RewardPayout", "PolicyBase", "PolicyRule", "SocialAverageWage",
    "YearRangePolicy", "region_label", "validate_month_day", "years_label",
]
