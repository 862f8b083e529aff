"""The tax officers' console (认定结果): certified results of the units whose 税务主管部门 lies in
the officer's region, by year and region with search; a detail page with the certified persons,
the hand-off's state and 人工确认接收 where the intake did not acknowledge; the xlsx export
(streamed, masked, formula-safe, audited)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from backoffice.forms import AcknowledgeForm
from backoffice.views.common import console_list
from levy.exports import certified_persons_xlsx, certified_results_xlsx
from levy.rules import percent_text
from placement.filters import TaxResultFilter, apply
from placement.selectors.queues import tax_hand_offs, tax_result_certificate, tax_result_for, tax_results
from placement.services.delivery import delivery_acknowledge_manually
from portal.access import roles_required
from portal.audit import audit_record
from portal.links import url_for
from portal.roles import ADMIN, TAX
from portal.tones import tone
from portal.views.base import call_service
from portal.workflow import can

OFFICERS = TAX | ADMIN
# what a tax officer reads about a hand-off: received, failed on the way, or still to be confirmed
HAND_OFF = {"acknowledged": "已接收", "failed": "发送失败", "queued": "待确认", "sent": "待确认", "cancelled": "已作废",
            None: "未发送"}
REVOCATION = {"acknowledged": "撤销已送达", "failed": "撤销发送失败", "queued": "撤销待确认", "sent": "撤销待确认",
              None: "未送达税务，无需撤销"}


def hand_off(row) -> tuple[str, str]:
    """The words and tone of a result's hand-off (of its revocation, once cancelled)."""
    if row.status == "cancelled":
        return f"已作废（{REVOCATION[row.revocation_status]}）", tone("cancelled")
    return HAND_OFF[row.delivery_status], tone(row.delivery_status or "")


# the columns a 认定结果 row shows: read whole with its unit, compiling the select took longer than the rows
LISTED = ("employer__name", "employer__credit_code", "employer__tax_region__full_name", "business_year", "headcount",
          "disabled_numerator", "disabled_denominator", "certificate_reference", "recorded_at", "status",
          "cancelled_at", "cancel_reason")


@roles_required(OFFICERS)
def results(request):
    qs = tax_results(request.user)

    detail_url, certificate_url = url_for("tax:result_detail"), url_for("tax:result_certificate")

    def load(ids):
        rows = {r.pk: r for r in qs.only(*LISTED).filter(pk__in=ids).order_by()}
        page = [rows[pk] for pk in ids if pk in rows]
        for row in page:
            row.hand_off, row.hand_off_tone = hand_off(row)
            row.detail_url, row.certificate_url = detail_url(row.pk), certificate_url(row.pk)
        return page

    return console_list(request, qs=qs, filterset=TaxResultFilter, template="backoffice/tax/results.html", load=load)


@roles_required(OFFICERS)
def result_detail(request, pk: int):
    figures = tax_result_for(request.user, pk)
    delivery, revocation = tax_hand_offs(figures)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if delivery is None:
            form.add_error(None, "该认定结果尚未由残联发送税务，无法确认接收")
        elif call_service(form, delivery_acknowledge_manually, actor=request.user, delivery=delivery,
                          reason=form.cleaned_data["reason"]):
            messages.success(request, f"已确认接收{figures}的认定结果。")
            return redirect("tax:result_detail", pk=figures.pk)
    return render(request, "backoffice/tax/result_detail.html", {
        "figures": figures, "persons": figures.persons.all(), "delivery": delivery,
        "revocation": revocation,
        "form": form, "can_acknowledge": delivery is not None and can(request.user, delivery, "acknowledge"),
        "ratio": percent_text(figures.disabled_count / figures.headcount if figures.headcount else None),
    })


@roles_required(OFFICERS)
def results_export(request):
    """导出: the filtered results as xlsx. An export of personal data is its own audit entry."""
    qs, values = apply(TaxResultFilter, request.GET, tax_results(request.user))
    audit_record(action="levy.certified_results_export", actor=request.user,
                 data={"filters": {k: v for k, v in values.items() if v}, "rows": qs.count()})
    return certified_results_xlsx(qs, f"认定结果-{timezone.localdate():%Y%m%d}.xlsx",
                                  hand_off=lambda status: HAND_OFF.get(status, ""))



@roles_required(OFFICERS)
def result_roster(request, pk: int):
    """导出残疾职工名册 of one result: the persons as certified, masked; an audited export."""
    figures = tax_result_for(request.user, pk)
    audit_record(action="levy.certified_persons_export", actor=request.user, obj=figures,
                 data={"rows": figures.persons.count()})
    return certified_persons_xlsx(figures, f"残疾职工名册-{figures.employer.name}-{figures.business_year}.xlsx")


@roles_required(OFFICERS)
def result_certificate(request, pk: int):
    """下载审核认定书 of one result: the PDF its certification rendered (served, and audited, as
    every issued document is)."""
    certificate = tax_result_certificate(request.user, pk)
    if certificate is None or certificate.document_id is None:
        raise Http404("该认定结果的审核认定书尚未出具")
    return redirect("document_download", pk=certificate.document_id)
