"""The tax officers' console (认定结果): certified results of the units whose 税务主管部门 lies in
the officer's region, by year and region with search; a detail page with the hand-off's state and
人工确认接收 where the intake did not acknowledge; the xlsx export (streamed, masked, formula-safe,
audited)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from backoffice.tax_forms import AcknowledgeForm
from levy.exports import certified_results_xlsx
from levy.rules import percent_text
from placement import certification_selectors as sel
from placement.delivery import delivery_acknowledge_manually
from placement.years import selectable_years
from portal.access import roles_required
from portal.audit import audit_record
from portal.exceptions import DomainError
from portal.forms import add_domain_error
from portal.roles import ADMIN, TAX
from portal.scoping import filter_regions
from portal.views.base import paginate

OFFICERS = TAX | ADMIN


def _filters(request) -> dict:
    return {k: request.GET.get(k, "") for k in ("q", "year", "region")}


@roles_required(OFFICERS)
def results(request):
    qs = sel.tax_results(request.user, **_filters(request))
    page, query = paginate(request, qs)
    return render(request, "backoffice/tax/results.html", {
        "page": page, "query": query, **_filters(request), "years": selectable_years(),
        "regions": filter_regions(request.user),
    })


@roles_required(OFFICERS)
def result_detail(request, pk: int):
    figures, declaration, delivery = sel.tax_result_for(request.user, pk)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if delivery is None:
            form.add_error(None, "该认定结果尚未由残联发送税务，无法确认接收")
        else:
            try:
                delivery_acknowledge_manually(actor=request.user, delivery=delivery,
                                              reason=form.cleaned_data["reason"])
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, f"已确认接收{figures}的认定结果。")
                return redirect("tax:result_detail", pk=figures.pk)
    return render(request, "backoffice/tax/result_detail.html", {
        "figures": figures, "declaration": declaration, "delivery": delivery, "form": form,
        "can_acknowledge": delivery is not None and delivery.status != "acknowledged",
        "ratio": percent_text(figures.disabled_count / figures.headcount if figures.headcount else None),
    })


@roles_required(OFFICERS)
def results_export(request):
    """导出: the filtered results as xlsx. An export of personal data is its own audit entry."""
    filters = _filters(request)
    qs = sel.tax_results(request.user, **filters)
    audit_record(action="levy.certified_results_export", actor=request.user,
                 data={"filters": {k: v for k, v in filters.items() if v}, "rows": qs.count()})
    return certified_results_xlsx(qs, f"认定结果-{timezone.localdate():%Y%m%d}.xlsx")
