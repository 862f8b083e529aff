"""安置登记审核: the queue of persons 待审核 and the decision page (the person, contracts,
certificates, every attachment, the month grid with the evidence beside each flagged cell and the
other unit's claim, and per month 有效 / 无效)."""

from django.contrib import messages
from django.shortcuts import redirect, render

from backoffice.forms import MonthDecisionForm
from backoffice.selectors import (
    QueueFields,
    failed_check_q,
    month_decisions,
    one,
    person_queue_rows,
    person_timeline,
    persons_in_scope,
)
from backoffice.views.common import queue_page
from placement import choices as c
from placement import review
from placement.models import Evidence
from placement.selectors import grid_rows, person_counts, persons_visible
from placement.verification import other_claims
from portal.access import roles_required
from portal.exceptions import Conflict, DomainError
from portal.forms import add_domain_error
from portal.pii import pii_reveal
from portal.roles import FEDERATION

S = c.PersonStatus
PERSON_FIELDS = QueueFields(employer="declaration__employer__", person="", year="declaration__business_year")
PERSON_SORTS = {
    "oldest": ("等待最久", ("registered_at", "pk")),
    "newest": ("最新提交", ("-registered_at", "-pk")),
    "unit": ("单位名称", ("declaration__employer__name", "registered_at", "pk")),
    "name": ("姓名", ("name", "pk")),
}
REVIEWED = [S.PENDING_REVIEW, S.CONFIRMED, S.PARTIALLY_REJECTED, S.REJECTED]


@roles_required(FEDERATION)
def person_queue(request):
    """安置登记审核 queue: persons 待审核, oldest first (they block their unit's 完成申报)."""
    qs = persons_in_scope(request.user).filter(registered_at__isnull=False)
    check = request.GET.get("check", "")
    if check in c.Check.values:
        qs = qs.filter(failed_check_q(check))
    return queue_page(
        request, qs=qs, fields=PERSON_FIELDS, template="backoffice/person_queue.html",
        title="安置登记审核", statuses=[(s.value, s.label) for s in REVIEWED], default_status=S.PENDING_REVIEW,
        sorts=PERSON_SORTS, default_sort="oldest",
        load=person_queue_rows,
        context={"checks": list(c.Check), "check": check},
    )


@roles_required(FEDERATION)
def person_review(request, pk):
    """The decision page. POST 确认 decides every selected month; POST reveal shows the full ID
    number once (an audited read)."""
    person = one(persons_visible(request.user), pk)
    months = list(person.months.filter(selected=True).values_list("month", flat=True))
    rows = grid_rows(person)
    clean = {r["month"] for r in rows if r["outcome"] == c.Outcome.OK}
    form = MonthDecisionForm(request.POST if "decide" in request.POST else None, months=months,
                             year=person.declaration.business_year, initial_valid=clean)
    revealed = ""
    conflict = None
    if request.method == "POST" and "reveal" in request.POST:
        revealed = pii_reveal(actor=request.user, obj=person, field="id_number", label="身份证号")
    elif request.method == "POST" and "decide" in request.POST and form.is_valid():
        try:
            decided = review.person_review_decide(actor=request.user, person=person, decisions=form.decisions())
        except Conflict as error:
            conflict = error.message
            person = one(persons_visible(request.user), pk)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"已确认“{decided.name}”的审核结果：{decided.get_status_display()}，"
                                       "已通知用人单位。")
            return redirect("backoffice:person_review", pk=person.pk)
    return render(request, "backoffice/person_review.html", {
        **_review_context(person, rows, form), "revealed": revealed, "conflict": conflict,
    }, status=409 if conflict else 200)


def _review_context(person, rows, form):
    decided = month_decisions(person)
    claims = other_claims(person)
    evidence = list(Evidence.objects.filter(person=person).select_related("upload"))
    pending_items = review.items_awaiting_review(person)
    can_decide = person.status == S.PENDING_REVIEW and not pending_items
    grid = []
    for row in rows:
        m = row["month"]
        field = {k: form[f"{k}_{m}"] for k in ("decision", "reason_choice", "reason")} \
            if can_decide and row["selected"] else None
        grid.append({**row, "claims": claims.get(m, ()), "decided": decided.get(m), "field": field})
    year = person.declaration.business_year
    uploads = {}
    for ev in evidence:
        uploads.setdefault(ev.upload_id, {"upload": ev.upload, "items": set(), "months": set()})
        uploads[ev.upload_id]["items"].add(c.Check(ev.item).label)
        uploads[ev.upload_id]["months"].add(ev.month)
    return {
        "person": person, "declaration": person.declaration, "employer": person.declaration.employer,
        "grid": grid, "checks": list(c.Check), "form": form, "can_decide": can_decide, "pending_items": pending_items,
        "counts": person_counts(person),
        "contracts": person.contracts.select_related("attachment", "dispatch_agency", "related_unit", "reviewed_by"),
        "certificates": person.certificates.select_related("image", "reviewed_by"),
        "evidence": [{**u, "months": [f"{year}{m:02d}" for m in sorted(u["months"])]}
                     for u in sorted(uploads.values(), key=lambda u: min(u["months"]))],
        "timeline": person_timeline(person), "last_review": review.last_review(person),
        "reasons": review.INVALID_REASONS,
    }
