"""One review machine for anything staff check (STYLE.md 10a): a contract, a hand-added certificate,
a declared month, a 参保比例 below the threshold, a 参保编码 application and a levy objection. Not the
union's 凭证审核: it decides the whole batch (凭证审核中 → 投保成功 / 凭证审核不通过 are the batch's own
statuses in the manual), so it stays a transition of InsuranceBatch rather than a second state beside it.

    "" (无需审核) ──review_request──▶ pending (待审核) ──approve──▶ approved (审核通过)
                                                    └──reject───▶ rejected (审核不通过, with a reason)
    approved / rejected ──review_request──▶ pending  (the item changed after its review)
    any ──review_waive──▶ ""                        (it no longer needs one)

Who may decide is the concrete model's `review_permission` (a portal.workflow.Permission); the
four-eyes rule (`not_the_requester`) is part of it wherever staff both raise and decide items.
Every change goes through portal.workflow.transition_apply, so each has its audit entry."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.guards import Permission, allowed, guard, permission_of
from portal.predicates import different_person, is_federation_staff
from portal.workflow import transition_apply


class ReviewState(models.TextChoices):
    NOT_NEEDED = "", "无需审核"
    PENDING = "pending", "待审核"
    APPROVED = "approved", "审核通过"
    REJECTED = "rejected", "审核不通过"


R = ReviewState


@guard("同一事项的提交人与审核人不能是同一人（双人复核）", code="four_eyes")
def not_the_requester(user, item) -> bool:
    return different_person(user, item.review_requested_by_id)


_may_review = permission_of("review_permission")  # each concrete model says who reviews it


def _already_reviewed(item) -> str:
    """A second reviewer is told whose decision stood (the row lock made them wait for it)."""
    what = item._meta.verbose_name
    if item.reviewed_by_id:
        when = timezone.localtime(item.reviewed_at).strftime("%Y-%m-%d %H:%M") if item.reviewed_at else "此前"
        return (f"该{what}已由{item.reviewed_by.display_name}于{when}审核，结果为“{item.get_review_state_display()}”。"
                "您的审核未保存。")
    return f"该{what}当前为“{item.get_review_state_display() or '无需审核'}”，不在待审核状态，您的审核未保存。"


_decision = {"action": "review", "refused": _already_reviewed, "code": "already_decided"}


class Reviewable(ConcurrentTransitionMixin, models.Model):
    """Abstract: the review fields and their transitions. Subclasses set `review_permission` and
    may override `review_state` to give the states their own words (a month is 有效 / 无效)."""

    review_state = FSMField("审核状态", max_length=10, choices=ReviewState.choices, default=R.NOT_NEEDED, blank=True,
                            protected=True)
    review_reason = models.CharField("审核意见", max_length=300, blank=True)
    review_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交审核人", null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="+")
    review_requested_at = models.DateTimeField("提交审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    review_permission: Permission = allowed(is_federation_staff, not_the_requester)

    class Meta:
        abstract = True

    @property
    def review_pending(self) -> bool:
        return self.review_state == R.PENDING

    def _clear_review(self) -> None:
        self.review_reason, self.reviewed_by, self.reviewed_at = "", None, None

    @transition(field="review_state", source=[R.NOT_NEEDED, R.APPROVED, R.REJECTED], target=R.PENDING,
                custom={"label": "提交审核"})
    def review_request(self, *, by=None):
        self._clear_review()
        self.review_requested_by = by if getattr(by, "pk", None) else None
        self.review_requested_at = timezone.now()

    @transition(field="review_state", source=[R.PENDING, R.APPROVED, R.REJECTED], target=R.NOT_NEEDED,
                custom={"label": "无需审核"})
    def review_waive(self):
        self._clear_review()

    @transition(field="review_state", source=R.PENDING, target=R.APPROVED, permission=_may_review,
                custom={**_decision, "label": "审核通过"})
    def approve(self, *, by, reason: str = ""):
        self.review_reason, self.reviewed_by, self.reviewed_at = reason, by, timezone.now()

    @transition(field="review_state", source=R.PENDING, target=R.REJECTED, permission=_may_review,
                custom={**_decision, "label": "审核不通过"})
    def reject(self, *, by, reason: str):
        self.review_reason, self.reviewed_by, self.reviewed_at = reason, by, timezone.now()


def review_request(*, item: Reviewable, actor=None, reason: str = "", data: dict | None = None) -> Reviewable:
    """Put an item in front of a reviewer (again). Idempotent: an item already pending stays."""
    if item.review_state == R.PENDING:
        return item  # idempotent: already waiting for a reviewer
    return transition_apply(item, "review_request", actor=actor, by=actor, reason=reason, data=data)


def review_waive(*, item: Reviewable, actor=None, reason: str = "", data: dict | None = None) -> Reviewable:
    """The item no longer needs a review (a contract that is no longer a dispatch agreement, a
    month cleared by 重新登记). Idempotent."""
    if item.review_state == R.NOT_NEEDED:
        return item  # idempotent: nothing to waive
    return transition_apply(item, "review_waive", actor=actor, reason=reason, data=data)


def review_decide(*, item: Reviewable, actor, approve: bool, reason: str = "", lock: bool = True,
                  data: dict | None = None) -> Reviewable:
    """审核通过 / 审核不通过 (a refusal needs its reason: callers check it beside their field)."""
    reason = (reason or "").strip()
    return transition_apply(item, "approve" if approve else "reject", actor=actor, by=actor, reason=reason,
                            lock=lock, data=data)
