"""Reads of the back office's certification and tax hand-off pages, scoped to the user asking
(placement.selectors.declarations_visible and portal.scoping own the region rule): the 年审认证审核
queue, the requests after certification, the declarations ready for 发送税务, the deliveries of
发送税务查询, and the filters those lists share."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from placement import choices as c
from placement.delivery import deliveries_visible
from placement.models import AnnualDeclaration, FeedbackRequest, TaxDelivery, WithdrawalRequest
from placement.selectors import declarations_visible
from portal.models import Region
from portal.roles import ADMIN, FEDERATION
from portal.scoping import employer_scope_q

D, DS = c.DeclarationStatus, c.DeliveryStatus


def unit_filter(qs: QuerySet, *, q: str = "", year: str = "", region: str = "", prefix: str = "",
                region_field: str = "fed_region") -> QuerySet:
    """Search by unit name or credit code, filter by 业务年度 and by a region below the user's.
    Region codes are looked up, never trusted: an unknown code filters to nothing."""
    q, year, region = (q or "").strip(), (year or "").strip(), (region or "").strip()
    employer = f"{prefix}employer__"
    if q:
        qs = qs.filter(Q(**{f"{employer}name__icontains": q}) | Q(**{f"{employer}credit_code": q.upper()}))
    if year.isdigit():
        qs = qs.filter(**{f"{prefix}business_year": int(year)})
    if region:
        found = Region.objects.filter(code=region).only("path").first()
        qs = qs.filter(**{f"{employer}{region_field}__path__startswith": found.path}) if found else qs.none()
    return qs


def certification_queue(user) -> QuerySet[AnnualDeclaration]:
    """年审认证审核: submitted declarations, oldest submission first, with their person counts."""
    return (
        declarations_visible(user).filter(status=D.SUBMITTED)
        .select_related("employer__fed_region", "submitted_by")
        .annotate(person_count=Count("persons"),
                  unconfirmed=Count("persons", filter=~Q(persons__status=c.PersonStatus.CONFIRMED)))
        .order_by("submitted_at", "pk")
    )


def declaration_for_review(user, pk: int) -> AnnualDeclaration:
    try:
        return declarations_visible(user).select_related(
            "employer__fed_region", "employer__tax_region", "submitted_by", "certified_by", "returned_by",
            "certificate").get(pk=pk)
    except AnnualDeclaration.DoesNotExist:
        raise Http404("未找到该申报") from None


def requests_after_certification(user) -> tuple[QuerySet[WithdrawalRequest], QuerySet[FeedbackRequest]]:
    """Open 认证后撤回 requests and open 年审认证反馈, oldest first."""
    scope = _federation_scope(user)
    related = ("declaration__employer", "declaration__certified_by", "submitted_by")
    withdrawals = WithdrawalRequest.objects.filter(scope, status=c.RequestStatus.SUBMITTED,
                                                   after_certification=True).select_related(*related)
    feedback = FeedbackRequest.objects.filter(scope, status=c.RequestStatus.SUBMITTED).select_related(*related)
    return withdrawals.order_by("submitted_at", "pk"), feedback.order_by("submitted_at", "pk")


def _federation_scope(user) -> Q:
    """Requests about declarations are the federation's: its staff in their region, administrators."""
    if user.role not in FEDERATION | ADMIN:
        return Q(pk__in=[])
    return employer_scope_q(user, prefix="declaration__employer__")


def _request_for(model, user, pk: int):
    try:
        return model.objects.filter(_federation_scope(user)).select_related(
            "declaration__employer", "declaration__certified_by", "submitted_by", "decided_by").get(pk=pk)
    except model.DoesNotExist:
        raise Http404("未找到该申请") from None


def withdrawal_for(user, pk: int) -> WithdrawalRequest:
    """A withdrawal after certification (those before it are decided in the reviewer console)."""
    request = _request_for(WithdrawalRequest, user, pk)
    if not request.after_certification:
        raise Http404("未找到该申请")
    return request


def feedback_for(user, pk: int) -> FeedbackRequest:
    return _request_for(FeedbackRequest, user, pk)


def declarations_to_send(user) -> QuerySet[AnnualDeclaration]:
    """发送税务: certified declarations with no live delivery of their certificate yet, or whose
    delivery failed (sending again re-drives it). Oldest certification first."""
    live = TaxDelivery.objects.filter(certificate=OuterRef("certificate"), cancelled_at__isnull=True)
    return (
        declarations_visible(user).filter(status=D.CERTIFIED)
        .select_related("employer__tax_region", "certificate", "certified_by")
        .annotate(in_flight=Exists(live.exclude(status=DS.FAILED)), failed=Exists(live.filter(status=DS.FAILED)))
        .filter(in_flight=False)
        .order_by("certified_at", "pk")
    )


def deliveries_filtered(user, *, status: str = "", **filters) -> QuerySet[TaxDelivery]:
    """发送税务查询: the user's deliveries, newest first, by status, year, region and unit."""
    qs = deliveries_visible(user).filter(cancelled_at__isnull=True)
    if status in DS.values:
        qs = qs.filter(status=status)
    return unit_filter(qs, prefix="declaration__", region_field="tax_region", **filters)


def delivery_for(user, pk: int) -> TaxDelivery:
    try:
        return deliveries_visible(user).get(pk=pk)
    except TaxDelivery.DoesNotExist:
        raise Http404("未找到该发送记录") from None


# --- the tax officers' console ----------------------------------------------------------------------


def _live_delivery():
    return TaxDelivery.objects.filter(certificate__reference=OuterRef("certificate_reference"),
                                      cancelled_at__isnull=True)


def tax_results(user, **filters):
    """认定结果: active certified figures of the units whose 税务主管部门 lies in the user's region,
    newest first, each with the state of its hand-off (None: not sent yet)."""
    from django.db.models import Subquery

    from levy.selectors import certified_results_visible

    qs = certified_results_visible(user).annotate(
        delivery_status=Subquery(_live_delivery().values("status")[:1]),
        delivery_id=Subquery(_live_delivery().values("pk")[:1]),
    ).order_by("-business_year", "-recorded_at", "-pk")
    return unit_filter(qs, region_field="tax_region", **filters)


def tax_result_for(user, pk: int):
    """One certified result in the user's scope, its declaration and its live delivery (or None)."""
    from levy.selectors import certified_results_visible

    figures = certified_results_visible(user).filter(pk=pk).first()
    if figures is None:
        raise Http404("未找到该认定结果")
    declaration = AnnualDeclaration.objects.filter(employer=figures.employer,
                                                   business_year=figures.business_year).first()
    delivery = TaxDelivery.objects.filter(certificate__reference=figures.certificate_reference,
                                          cancelled_at__isnull=True).select_related("acknowledged_by").first()
    return figures, declaration, delivery
