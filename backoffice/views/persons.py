"""安置登记审核: the queue of persons and the decision page (the person, contracts, certificates,
every attachment, the month grid with the evidence beside each flagged cell and the other unit's
claim, and per month 有效 / 无效)."""

from django.contrib import messages
from django.shortcuts import redirect, render

from backoffice.forms import MonthDecisionForm
from backoffice.views.common import console_list
from placement import choices as c
from placement.filters import PersonQueueFilter
from placement.selectors.queues import person_history, person_queue_rows, persons_in_scope
from placement.selectors.scope import one, persons_visible
from placement.selectors.year import evidence_by_upload, grid_rows, person_year
from placement.services import review
from portal.access import roles_required
from portal.exceptions import Conflict, DomainError
from portal.forms import add_domain_error
from portal.pii import pii_reveal
from portal.roles import FEDERATION
from portal.workflow import can

S = c.PersonStatus
PERSON_SORTS = {
    "oldest": ("等待最久", ("registered_at", "pk")),
    "newest": ("最新提交", ("-registered_at", "-pk")),
    "unit": ("单位名称", ("declaration__employer__name", "registered_at", "pk")),
    "name": ("姓名", ("name", "pk")),
}


@roles_required(FEDERATION)
def person_queue(request):
    """安置登记审核 queue: persons 待审核, oldest first (they block their unit's 完成申报)."""
    return console_list(
        request, qs=persons_in_scope(request.user).filter(registered_at__isnull=False), filterset=PersonQueueFilter,
        template="backoffice/person_queue.html", defaults={"status": S.PENDING_REVIEW}, sorts=PERSON_SORTS,
        default_sort="oldest", load=person_queue_rows, context={"title": "安置登记审核", "checks": list(c.Check)},
    )


@roles_required(FEDERATION)
def person_review(request, pk):
    """The decision page. POST 确认 decides every declared month; POST reveal shows the full ID
    number once (an audited read)."""
    person = one(persons_visible(request.user), pk, "未找到该安置人员")
    model = person_year(person)
    clean = {s.month for s in model.months if s.outcome == c.Outcome.OK}
    form = MonthDecisionForm(request.POST if "decide" in request.POST else None, months=model.selected_months,
                             year=model.year, initial_valid=clean)
    revealed, conflict = "", None
    if request.method == "POST" and "reveal" in request.POST:
        revealed = pii_reveal(actor=request.user, obj=person, field="id_number", label="身份证号")
    elif request.method == "POST" and "decide" in request.POST and form.is_valid():
        try:
            decided = review.person_review_decide(actor=request.user, person=person, decisions=form.decisions())
        except Conflict as error:
            conflict = error.message
            person = one(persons_visible(request.user), pk)
            model = person_year(person)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"已确认“{decided.name}”的审核结果：{decided.get_status_display()}，"
                                       "已通知用人单位。")
            return redirect("backoffice:person_review", pk=person.pk)
    return render(request, "backoffice/person_review.html", {
        **_review_context(request, model, form), "revealed": revealed, "conflict": conflict,
    }, status=409 if conflict else 200)


def _reviewable(request, items) -> list:
    """The items with the flag the template shows a 审核 link by (the review machine's own check)."""
    items = list(items)
    for item in items:
        item.can_review = can(request.user, item, "approve")
    return items


def _review_context(request, model, form):
    person = model.person
    can_decide = can(request.user, person, "confirm_by_reviewer")
    decided = model.decisions
    grid = []
    for row in grid_rows(model):
        m = row["month"]
        field = {k: form[f"{k}_{m}"] for k in ("decision", "reason_choice", "reason")} \
            if can_decide and row["selected"] else None
        # the material of the month, shown under it (issue 15, 14: it opened in another tab)
        evidence = [(check, f) for check, _cell, files, _was, _history in row["cells"] for f in files]
        grid.append({**row, "decided": decided.get(m), "field": field, "evidence": evidence})
    return {
        "person": person, "declaration": person.declaration, "employer": person.declaration.employer,
        "grid": grid, "checks": list(c.Check), "grid_columns": len(c.Check) + 4, "form": form,
        "can_decide": can_decide,
        "pending_items": model.items_awaiting_review, "counts": model.counts,
        "contracts": _reviewable(request, model.contract_rows),
        "certificates": _reviewable(request, model.certificate_rows),
        "evidence": evidence_by_upload(model), **person_history(person),
        "reasons": review.INVALID_REASONS,
    }
