"""The retiree plan's models, one module per concern."""

from insurance.models.batch import InsuranceBatch
from insurance.models.codes import AgentContact, CodeApplication, InsuranceCode, UnitNameChange
from insurance.models.config import CalendarDay, PlanYear
from insurance.models.members import CodeRatio, InsuredMember
from insurance.models.money import EReceipt, PaymentVoucher, Refund, WithholdingRun

__all__ = [
    "AgentContact", "CalendarDay", "CodeApplication", "CodeRatio", "InsuranceBatch", "InsuranceCode",
    "InsuredMember", "PlanYear", "UnitNameChange", "EReceipt", "PaymentVoucher", "Refund", "WithholdingRun",
]
