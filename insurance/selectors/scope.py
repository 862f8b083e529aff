"""Who sees which retiree-plan rows: the unit's agents their unit's, union staff the units of their
所属区局工会, administrators all; nobody else (the plan is not the federation's or tax's work)."""

from django.db.models import QuerySet
from django.http import Http404

from employers.selectors import employer_of
from insurance import choices as c
from insurance.models import (
    CodeApplication,
    InsuranceBatch,
    InsuranceCode,
    InsuredMember,
    UnitNameChange,
    WithholdingRun,
)
from portal.roles import ADMIN, UNION
from portal.scoping import employer_scope_q


def scoped(qs: QuerySet, user, employer_path: str) -> QuerySet:
    """The one scope rule of the app; `employer_path` leads from the rows to their unit."""
    if not user.is_authenticated:
        return qs.none()
    if user.is_employer_agent:
        employer = employer_of(user)
        return qs.filter(**{employer_path: employer}) if employer else qs.none()
    if user.role in UNION | ADMIN:
        return qs.filter(employer_scope_q(user, prefix=f"{employer_path}__"))
    return qs.none()


def one(qs: QuerySet, pk, message: str = "未找到该事项"):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError):
        raise Http404(message) from None


def batches_visible(user) -> QuerySet[InsuranceBatch]:
    qs = InsuranceBatch.objects.exclude(status=c.BatchStatus.DELETED).select_related("employer", "code", "plan_year")
    return scoped(qs, user, "employer")


def batch_for(user, pk) -> InsuranceBatch:
    return one(batches_visible(user), pk, "未找到该参保批次")


def members_visible(user) -> QuerySet[InsuredMember]:
    qs = InsuredMember.objects.exclude(batch__status=c.BatchStatus.DELETED).select_related("batch__employer")
    return scoped(qs, user, "batch__employer")


def member_for(user, batch: InsuranceBatch, pk) -> InsuredMember:
    return one(members_visible(user).filter(batch=batch), pk, "未找到该参保人员")


def codes_visible(user) -> QuerySet[InsuranceCode]:
    return scoped(InsuranceCode.objects.select_related("employer"), user, "employer")


def applications_visible(user) -> QuerySet[CodeApplication]:
    qs = CodeApplication.objects.select_related("employer", "attachment", "code", "reviewed_by")
    return scoped(qs, user, "employer")


def application_for(user, pk) -> CodeApplication:
    return one(applications_visible(user), pk, "未找到该参保编码申请")


def name_changes_visible(user) -> QuerySet[UnitNameChange]:
    qs = UnitNameChange.objects.select_related("code__employer", "attachment", "reviewed_by")
    return scoped(qs, user, "code__employer")


def name_change_for(user, pk) -> UnitNameChange:
    return one(name_changes_visible(user), pk, "未找到该单位名称修改申请")


def runs_visible(user) -> QuerySet[WithholdingRun]:
    qs = WithholdingRun.objects.select_related("batch__employer", "batch__code", "batch__plan_year")
    return scoped(qs, user, "batch__employer")
