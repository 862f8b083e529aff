"""The members of a batch as the roster and results pages show them: filters, the summary line
(可代扣 X 人，不可代扣 Y 人，社保姓名与导入姓名不一致 Z 人), and the open exceptions."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from insurance import choices as c
from insurance.models import InsuranceBatch, InsuredMember
from insurance.rules.coverage import Coverage, coverage


def open_exception_q(prefix: str = "") -> Q:
    """Members whose exception the agent has not handled yet (deleted members are handled)."""
    p = prefix
    return Q(**{f"{p}deleted_at__isnull": True}) & (
        Q(**{f"{p}result__in": (c.Result.NAME_MISMATCH, c.Result.DECEASED, c.Result.RETIREMENT_MISSING)})
        | Q(**{f"{p}result__in": (c.Result.NO_SOCIAL_INSURANCE, c.Result.UNVERIFIABLE), f"{p}situation": ""})
    )


def active_members(batch: InsuranceBatch) -> QuerySet[InsuredMember]:
    return batch.members.filter(deleted_at__isnull=True)


@dataclass(frozen=True)
class Summary:
    total: int
    withholdable: int
    not_withholdable: int
    name_mismatch: int
    exceptions: int
    pending: int
    deleted: int


def results_summary(batch: InsuranceBatch) -> Summary:
    """数据校验结果, in one aggregate query."""
    figures = batch.members.aggregate(
        total=Count("pk", filter=Q(deleted_at__isnull=True)),
        withholdable=Count("pk", filter=Q(deleted_at__isnull=True, withholding=c.Withholding.YES)),
        not_withholdable=Count("pk", filter=Q(deleted_at__isnull=True, withholding=c.Withholding.NO)),
        name_mismatch=Count("pk", filter=Q(deleted_at__isnull=True, result=c.Result.NAME_MISMATCH)),
        exceptions=Count("pk", filter=open_exception_q()),
        pending=Count("pk", filter=Q(deleted_at__isnull=True, check_state__in=(c.CheckState.PENDING,
                                                                                c.CheckState.QUEUED))),
        deleted=Count("pk", filter=Q(deleted_at__isnull=False)),
    )
    return Summary(**figures)


def member_coverage(batch: InsuranceBatch) -> Coverage:
    """Every member of a batch has the same 保障期限 (it depends on the batch, not the person)."""
    plan = batch.plan_year
    return coverage(kind=batch.kind, coverage_start=plan.coverage_start, coverage_end=plan.coverage_end,
                    waiting_days=plan.waiting_days, completed_on=batch.completed_on)
