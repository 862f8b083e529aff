"""手动添加残疾证审核 and 劳务派遣审核: one queue page and one review page for both kinds of item (each
a Reviewable: the same machine, the same checks), and bulk approval of certificates that match the
registry (each still logged on its own)."""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from backoffice.forms import DispatchReviewForm, ItemReviewForm
from backoffice.views.common import console_list
from placement import choices as c
from placement.filters import ItemQueueFilter
from placement.registry import certificate_in_registry
from placement.selectors.queues import certificates_visible, dispatch_visible, reviewed_items
from placement.selectors.scope import one
from placement.services import review
from portal.access import roles_required
from portal.audit import audit_timeline
from portal.roles import FEDERATION
from portal.views.base import call_service
from portal.workflow import can

R = c.ReviewState
ITEM_SORTS = {
    "oldest": ("等待最久", ("person__registered_at", "pk")),
    "newest": ("最新提交", ("-person__registered_at", "-pk")),
    "unit": ("单位名称", ("person__declaration__employer__name", "pk")),
}


@dataclass(frozen=True)
class ItemKind:
    title: str
    selector: object  # user → the items the user may see
    queue_template: str
    facts_template: str
    queue_url: str
    form: type
    saved: str


KINDS = {
    "certificate": ItemKind("残疾证审核", certificates_visible, "backoffice/certificate_queue.html",
                            "backoffice/_certificate_facts.html", "backoffice:certificate_queue", ItemReviewForm,
                            "残疾证审核结果已保存。"),
    "dispatch": ItemKind("劳务派遣审核", dispatch_visible, "backoffice/dispatch_queue.html",
                         "backoffice/_dispatch_facts.html", "backoffice:dispatch_queue", DispatchReviewForm,
                         "劳务派遣协议审核结果已保存。"),
}


@roles_required(FEDERATION)
def item_queue(request, kind: str):
    """手动添加的残疾证 or 劳务派遣协议 of registered persons, the longest waiting first."""
    spec = KINDS[kind]
    return console_list(
        request, qs=reviewed_items(spec.selector(request.user)), filterset=ItemQueueFilter,
        template=spec.queue_template, defaults={"status": R.PENDING}, sorts=ITEM_SORTS, default_sort="oldest",
        context={"title": spec.title},
    )


def _decide(kind: str, request, item, form):
    if kind == "certificate":
        return call_service(form, review.certificate_review, actor=request.user, certificate=item,
                            approve=form.approve, reason=form.cleaned_data["reason"])
    return call_service(form, review.dispatch_review, actor=request.user, contract=item, approve=form.approve,
                        reason=form.cleaned_data["reason"], confirmed=set(form.cleaned_data["confirmed"]))


@roles_required(FEDERATION)
def item_review(request, kind: str, pk: int):
    """One item: its facts and files, 审核通过 or 审核不通过 with a reason, and its history."""
    spec = KINDS[kind]
    item = one(spec.selector(request.user), pk)
    form = spec.form(request.POST or None)
    if request.method == "POST" and form.is_valid() and _decide(kind, request, item, form):
        messages.success(request, spec.saved)
        return redirect("backoffice:person_review", pk=item.person_id)
    matches = None
    if kind == "certificate" and item.review_state == R.PENDING and request.method == "GET":
        matches = certificate_in_registry(item)
    return render(request, "backoffice/item_review.html", {
        "kind": spec, "item": item, "person": item.person, "form": form, "matches": matches,
        "timeline": audit_timeline(item), "can_review": can(request.user, item, "approve"),
        "agency_proof": item.dispatch_agency.evidence if kind == "dispatch" and item.dispatch_agency_id else None,
    })


@require_POST
@roles_required(FEDERATION)
def certificate_bulk(request):
    """批量审核通过: only the selected certificates that match the registry are approved."""
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    if not ids:
        messages.error(request, "请先勾选要批量审核的残疾证。")
        return redirect("backoffice:certificate_queue")
    selected = list(certificates_visible(request.user).filter(pk__in=ids, review_state=R.PENDING))
    result = review.certificates_bulk_approve(actor=request.user, certificates=selected)
    if result.approved:
        messages.success(request, f"已批量审核通过 {len(result.approved)} 张残疾证（每张均单独记录）。")
    for cert, why in result.skipped:
        messages.warning(request, f"{cert.person.name}的残疾证未通过批量审核：{why}。请逐张审核。")
    return redirect("backoffice:certificate_queue")
