"""The union console (职保会): 参保编码申请 and 单位名称修改 to review, each within one working day,
scoped to the reviewer's 所属区局工会 (insurance.selectors.scope). One queue page and one decision
page for both; who may decide is the review machine's permission (insurance.predicates)."""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from backoffice.views.common import console_list
from insurance import choices as c
from insurance.filters import CodeApplicationFilter, NameChangeFilter
from insurance.forms import DecisionForm
from insurance.selectors.scope import (
    application_for,
    applications_visible,
    name_change_for,
    name_changes_visible,
)
from insurance.services import codes as services
from insurance.workdays import review_due, uncovered_years
from portal.access import roles_required
from portal.audit import audit_timeline
from portal.roles import ADMIN, UNION
from portal.views.base import call_service
from portal.workflow import refusal

SORTS = {"oldest": ("等待最久", ("review_requested_at", "pk")), "newest": ("最新提交", ("-review_requested_at", "-pk"))}


@dataclass(frozen=True)
class Kind:
    title: str
    visible: object
    one: object
    filterset: type
    decide: object
    argument: str
    queue_url: str
    detail_url: str
    template: str
    listed: tuple[str, ...]  # the columns a queue row shows (a row read whole, with its unit, took a millisecond)


_LISTED = ("unit_name", "credit_code", "agent_name", "agent_phone", "review_requested_at", "review_state")
KINDS = {
    "application": Kind("参保编码申请审核", applications_visible, application_for, CodeApplicationFilter,
                        services.code_application_decide, "application", "backoffice:code_applications",
                        "backoffice:code_application_review", "backoffice/union/application_review.html", _LISTED),
    "name_change": Kind("单位名称修改审核", name_changes_visible, name_change_for, NameChangeFilter,
                        services.name_change_decide, "change", "backoffice:name_changes",
                        "backoffice:name_change_review", "backoffice/union/name_change_review.html",
                        (*_LISTED, "old_name", "code__code")),
}


def _rows(ids, kind: Kind, user):
    joined = {column.split("__")[0] for column in kind.listed if "__" in column}  # e.g. code__code
    listed = kind.visible(user).select_related(None).only(*kind.listed)
    if joined:  # (select_related() with nothing named would join every relation)
        listed = listed.select_related(*joined)
    items = {item.pk: item for item in listed.filter(pk__in=ids).order_by()}
    rows = []
    for pk in ids:
        item = items[pk]
        due = review_due(item.review_requested_at) if item.review_pending and item.review_requested_at else None
        rows.append({"item": item, "due": due})
    return rows


@roles_required(UNION | ADMIN)
def union_queue(request, kind: str):
    """待审核 first by default, the one waiting longest on top, with the day it is due."""
    spec = KINDS[kind]
    today = timezone.localdate()
    return console_list(
        request, qs=spec.visible(request.user), filterset=spec.filterset, template="backoffice/union/queue.html",
        defaults={"status": c.ReviewState.PENDING}, sorts=SORTS, default_sort="oldest",
        load=lambda ids: _rows(ids, spec, request.user),
        context={"title": spec.title, "detail_url": spec.detail_url, "kind": kind, "regions": [], "today": today,
                 "calendar_gaps": uncovered_years(today.year, today.year + 1)},
    )


@roles_required(UNION | ADMIN)
def union_review(request, kind: str, pk: int):
    """审核通过 or 审核不通过 with a reason; a reviewer who may not decide sees why."""
    spec = KINDS[kind]
    item = spec.one(request.user, pk)
    problem = refusal(item, "approve", request.user) if item.review_pending else None
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and item.review_pending and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        if call_service(form, spec.decide, actor=request.user, approve=approve, reason=form.cleaned_data["reason"],
                        **{spec.argument: item}):
            messages.success(request, "审核结果已保存，并已通知单位。")
            return redirect(spec.queue_url)
    return render(request, spec.template, {
        "title": spec.title, "item": item, "form": form, "queue_url": spec.queue_url,
        "due": review_due(item.review_requested_at) if item.review_pending and item.review_requested_at else None,
        "can_decide": item.review_pending and problem is None, "refusal": problem.message if problem else "",
        "timeline": audit_timeline(item), "state_label": c.APPLICATION_STATES.get(item.review_state, ""),
    })
