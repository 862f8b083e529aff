"""The tax officers' levy console (issue 16): assessments of the units whose 税务主管部门 lies in the
officer's region, by year and region with filters (status, outcome, overdue) and totals per region;
an assessment's page with the explanation and timeline; the objection queue and decision (the
material viewable); payments; the xlsx export (masked, formula-safe, audited). Thin views over
levy's selectors and services."""

from django.contrib import messages
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.utils import timezone

from backoffice.levy_filters import AssessmentFilter, ObjectionFilter, PaymentFilter, ReliefFilter
from backoffice.views.common import console_list
from levy.choices import AssessmentStatus
from levy.exports import assessments_xlsx
from levy.forms import BulkForm, DecisionForm, ReliefDecisionForm
from levy.models import LevyBulkJob
from levy.selectors.assessment import (
    assessment_for_staff,
    assessment_view,
    assessments_visible,
    current_collection_year,
    late_fee_of_row,
    objection_for_staff,
    objections_visible,
    payments_visible,
    roster_rows,
)
from levy.selectors.reward import relief_for_staff, reliefs_visible
from levy.services.bulk import bulk_start
from levy.services.objection import objection_decide
from levy.services.relief import relief_confirm, relief_decide
from levy.views.assessment import objection_diff
from placement.filters import apply
from portal.access import roles_required
from portal.audit import audit_record
from portal.models import Region
from portal.roles import ADMIN, TAX
from portal.scoping import filter_regions
from portal.views.base import call_service
from portal.workflow import can, refusal

OFFICERS = TAX | ADMIN
S = AssessmentStatus


def _years() -> list[int]:
    year = current_collection_year()
    return list(range(year, year - 5, -1))



@roles_required(OFFICERS)
def assessments(request):
    """残保金征缴: the list with filters, totals per region for the filtered rows, today's late fees."""
    qs = assessments_visible(request.user).order_by("-collection_year", "employer__name", "pk")
    filtered, _values = apply(AssessmentFilter, request.GET, qs)
    totals = (filtered.order_by().values("employer__tax_region__full_name")
              .annotate(units=Count("pk"), levy=Sum("levy_amount"), paid=Sum("paid_amount"))
              .order_by("employer__tax_region__full_name"))
    today = timezone.localdate()

    def load(ids):
        rows = {r.pk: r for r in qs.filter(pk__in=ids)}
        page = [rows[pk] for pk in ids if pk in rows]
        for row in page:
            row.fee = late_fee_of_row(row, today)
        return page

    return console_list(request, qs=qs, filterset=AssessmentFilter, template="backoffice/levy/assessments.html",
                        load=load, defaults={"status": "all"}, context={"years": _years(), "totals": list(totals), "year_label": "征收年份"})


@roles_required(OFFICERS)
def assessment_detail(request, pk: int):
    assessment = assessment_for_staff(request.user, pk)
    view = assessment_view(assessment)
    return render(request, "backoffice/levy/assessment_detail.html", {
        "a": assessment, "view": view, "rows": roster_rows(assessment),
        "objections": assessment.objections.order_by("-submitted_at"),
        "payments": assessment.payments.order_by("-requested_at")})


@roles_required(OFFICERS)
def assessments_export(request):
    """导出Excel: the filtered assessments. An export of personal data is its own audit entry."""
    qs, values = apply(AssessmentFilter, request.GET, assessments_visible(request.user).order_by("pk"))
    audit_record(action="levy.assessments_export", actor=request.user,
                 data={"filters": {k: v for k, v in values.items() if v}, "rows": qs.count()})
    return assessments_xlsx(qs, f"残保金征缴-{timezone.localdate():%Y%m%d}.xlsx")


@roles_required(OFFICERS)
def objections(request):
    """残保金异议: the queue (待审核 first by default)."""
    qs = objections_visible(request.user).order_by("submitted_at", "pk")
    return console_list(request, qs=qs, filterset=ObjectionFilter, template="backoffice/levy/objections.html",
                        defaults={"status": "pending"}, context={"years": _years(), "year_label": "征收年份"})


@roles_required(OFFICERS)
def objection_detail(request, pk: int):
    """The objection with its material and the figures side by side; 同意 / 不同意 with a reason."""
    objection = objection_for_staff(request.user, pk)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        decided = call_service(form, objection_decide, actor=request.user, objection=objection,
                               approve=form.cleaned_data["decision"] == "approve", reason=form.cleaned_data["reason"])
        if decided is not None:
            messages.success(request, f"已处理{objection.assessment.employer.name}的异议申请。")
            return redirect("tax:levy_objection", pk=objection.pk)
    return render(request, "backoffice/levy/objection_detail.html", {
        "o": objection, "form": form, "diff": objection_diff(objection), "files": objection.attachments.all(),
        "can_decide": can(request.user, objection, "approve")})


@roles_required(OFFICERS)
def payments(request):
    """缴费记录: every order of the region's units with its state (failed ones with the bank's reason)."""
    qs = payments_visible(request.user).order_by("-requested_at", "-pk")
    return console_list(request, qs=qs, filterset=PaymentFilter, template="backoffice/levy/payments.html",
                        defaults={"status": "all"},
                        context={"years": _years(), "year_label": "征收年份"})


@roles_required(OFFICERS)
def bulk(request):
    """年终批量核定: start a job for a region of the officer's and follow its progress."""
    regions = filter_regions(request.user)
    form = BulkForm(request.POST if request.method == "POST" else None, regions=regions, years=_years())
    if form.is_valid():
        region = Region.objects.get(code=form.cleaned_data["region"])
        job = call_service(form, bulk_start, actor=request.user, region=region,
                           collection_year=int(form.cleaned_data["year"]))
        if job is not None:
            messages.success(request, f"已发起{region.full_name}{job.collection_year}年批量核定，可离开本页，稍后回来查看进度。")
            return redirect("tax:levy_bulk")
    jobs = LevyBulkJob.objects.filter(region__in=regions).select_related("region", "created_by")[:20] \
        if request.user.role not in ADMIN else LevyBulkJob.objects.select_related("region", "created_by")[:20]
    running = any(j.status in ("queued", "running") for j in jobs)
    return render(request, "backoffice/levy/bulk.html", {"form": form, "jobs": jobs, "running": running})


# --- 缓减免 (issue 18) ---------------------------------------------------------------------------


@roles_required(OFFICERS)
def reliefs(request):
    """缓减免审核: the applications of the region's units (待审核 and 待复核 first by default)."""
    qs = reliefs_visible(request.user).order_by("submitted_at", "pk")
    return console_list(request, qs=qs, filterset=ReliefFilter, template="backoffice/levy/reliefs.html",
                        defaults={"status": "all"}, context={"years": _years(), "year_label": "征收年份"})


@roles_required(OFFICERS)
def relief_detail(request, pk: int):
    """One application with its evidence and the assessment; 同意 / 不同意 (with the reason), and the
    second officer's 复核 above the threshold (never the officer who decided)."""
    relief = relief_for_staff(request.user, pk)
    stage = {"submitted": ("approve", relief_decide), "confirming": ("confirm", relief_confirm)}.get(relief.status)
    can_decide = stage is not None and can(request.user, relief, stage[0])
    form = ReliefDecisionForm(request.POST if request.method == "POST" and can_decide else None)
    if form.is_valid():
        done = call_service(form, stage[1], actor=request.user, relief=relief,
                            approve=form.cleaned_data["decision"] == "approve", reason=form.cleaned_data["reason"])
        if done is not None:
            messages.success(request, f"已处理{relief.employer.name}的缓减免申请（{done.get_status_display()}）。")
            return redirect("tax:levy_relief", pk=relief.pk)
    problem = refusal(relief, stage[0], request.user) if stage is not None and not can_decide else None
    return render(request, "backoffice/levy/relief_detail.html", {
        "x": relief, "form": form, "can_decide": can_decide, "refusal": problem.message if problem else "",
        "stage_label": "复核" if relief.status == "confirming" else "审核", "files": relief.evidence.all()})
