"""A unit's 参保编码 and whether the plan's name for a code matches its credit code in the
enterprise registry (the manual: 统一信用代码是根据参保单位名称自动校验带出的)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from insurance import choices as c
from insurance.models import CodeApplication, InsuranceCode, UnitNameChange
from portal.feeds import get_feeds
from portal.feeds.calls import NOT_FOUND, call_with_retries

MATCHED, UNMATCHED, UNKNOWN = "matched", "unmatched", "unknown"


@dataclass(frozen=True)
class NameMatch:
    state: str
    registered_name: str = ""
    pending_change: UnitNameChange | None = None

    @property
    def blocks(self) -> bool:
        """An unmatched name blocks 信息确认无误 until the union approves a new one; a silent
        registry never blocks (the check is made again at the next visit)."""
        return self.state == UNMATCHED


def name_match(code: InsuranceCode) -> NameMatch:
    pending = code.name_changes.filter(review_state=c.ReviewState.PENDING).first()
    if code.name_approved:
        return NameMatch(MATCHED, pending_change=pending)
    answer = call_with_retries(lambda: get_feeds().enterprises.lookup(code.credit_code), attempts=2)
    if answer is None:
        return NameMatch(UNKNOWN, pending_change=pending)
    if answer is NOT_FOUND:
        return NameMatch(UNMATCHED, pending_change=pending)
    state = MATCHED if answer.name == code.unit_name else UNMATCHED
    return NameMatch(state, answer.name, pending)


def codes_of(employer) -> QuerySet[InsuranceCode]:
    return InsuranceCode.objects.filter(employer=employer).order_by("code")


def applications_of(employer) -> QuerySet[CodeApplication]:
    return CodeApplication.objects.filter(employer=employer).select_related("code", "attachment")
