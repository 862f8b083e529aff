"""手动添加残疾证审核 and 劳务派遣审核: queues, the review page of one item and bulk approval of
certificates that match the registry (each still logged on its own)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from backoffice.forms import DispatchReviewForm, ItemReviewForm
from backoffice.selectors import (
    QueueFields,
    certificates_visible,
    dispatch_visible,
    one,
)
from backoffice.views.common import queue_page
from placement import choices as c
from placement import review
from portal.access import roles_required
from portal.audit import audit_timeline
from portal.roles import FEDERATION
from portal.views.base import call_service

R = c.ReviewState
ITEM_FIELDS = QueueFields(employer="person__declaration__employer__", person="person__",
                          year="person__declaration__business_year")
ITEM_SORTS = {
    "oldest": ("等待最久", ("person__registered_at", "pk")),
    "newest": ("最新提交", ("-person__registered_at", "-pk")),
    "unit": ("单位名称", ("person__declaration__employer__name", "pk")),
}
REVIEW_STATES = [(s.value, s.label) for s in (R.PENDING, R.APPROVED, R.REJECTED)]


def _pending_first(qs):
    return qs.exclude(review_state=R.NOT_NEEDED).filter(person__registered_at__isnull=False)


@roles_required(FEDERATION)
def certificate_queue(request):
    """手动添加的残疾证: each with its image, waiting for a reviewer."""
    return queue_page(
        request, qs=_pending_first(certificates_visible(request.user)), fields=ITEM_FIELDS,
        template="backoffice/certificate_queue.html", title="残疾证审核", statuses=REVIEW_STATES,
        default_status=R.PENDING, status_field="review_state", sorts=ITEM_SORTS, default_sort="oldest",
    )


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


@roles_required(FEDERATION)
def certificate_review(request, pk):
    certificate = one(certificates_visible(request.user), pk)
    form = ItemReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, review.certificate_review, actor=request.user, certificate=certificate,
                        approve=form.approve, reason=form.cleaned_data["reason"]):
            messages.success(request, "残疾证审核结果已保存。")
            return redirect("backoffice:person_review", pk=certificate.person_id)
    matches = None
    if certificate.review_state == R.PENDING and request.method == "GET":
        matches = review.certificate_matches_registry(certificate)
    return render(request, "backoffice/certificate_review.html", {
        "certificate": certificate, "person": certificate.person, "form": form, "matches": matches,
        "timeline": audit_timeline(certificate), "can_review": certificate.review_state == R.PENDING,
    })


DISPATCH_FIELDS = ITEM_FIELDS


@roles_required(FEDERATION)
def dispatch_queue(request):
    """劳务派遣审核: dispatch agreements with the agency and the person."""
    return queue_page(
        request, qs=_pending_first(dispatch_visible(request.user)), fields=DISPATCH_FIELDS,
        template="backoffice/dispatch_queue.html", title="劳务派遣审核", statuses=REVIEW_STATES,
        default_status=R.PENDING, status_field="review_state", sorts=ITEM_SORTS, default_sort="oldest",
    )


@roles_required(FEDERATION)
def dispatch_review(request, pk):
    contract = one(dispatch_visible(request.user), pk)
    form = DispatchReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, review.dispatch_review, actor=request.user, contract=contract, approve=form.approve,
                        reason=form.cleaned_data["reason"], confirmed=set(form.cleaned_data["confirmed"])):
            messages.success(request, "劳务派遣协议审核结果已保存。")
            return redirect("backoffice:person_review", pk=contract.person_id)
    return render(request, "backoffice/dispatch_review.html", {
        "contract": contract, "person": contract.person, "form": form, "timeline": audit_timeline(contract),
        "can_review": contract.review_state == R.PENDING,
        "agency_proof": contract.dispatch_agency.evidence if contract.dispatch_agency_id else None,
    })
