"""Reads of the placement app, scoped to the user asking."""

from django.db import connection
from django.db.models import Count, F, FilteredRelation, Prefetch, Q, QuerySet
from django.http import Http404

from employers.selectors import employer_of
from placement import choices as c
from placement import rules
from placement.models import AnnualDeclaration, Evidence, MonthCheck, PlacedPerson, PlacementMonth
from portal.crypto import matches
from portal.scoping import employer_scope_q


def declarations_visible(user) -> QuerySet[AnnualDeclaration]:
    """Agents: their unit's. Federation staff by 残联主管部门, tax staff by 税务主管部门, administrators
    all. Union staff none (the placement year is not theirs)."""
    from portal.roles import ADMIN, FEDERATION, TAX

    qs = AnnualDeclaration.objects.select_related("employer")
    if user.is_employer_agent:
        employer = employer_of(user)
        return qs.filter(employer=employer) if employer else qs.none()
    if user.role in FEDERATION | TAX | ADMIN:
        return qs.filter(employer_scope_q(user, prefix="employer__"))
    return qs.none()


def persons_visible(user) -> QuerySet[PlacedPerson]:
    """Agents: their unit's persons. Federation staff: their region's. Administrators: all."""
    qs = PlacedPerson.objects.select_related("declaration__employer")
    if user.is_employer_agent:
        employer = employer_of(user)
        return qs.filter(declaration__employer=employer) if employer else qs.none()
    from portal.roles import ADMIN, FEDERATION

    if user.role in FEDERATION | ADMIN:
        return qs.filter(employer_scope_q(user, prefix="declaration__employer__"))
    return qs.none()


def person_for(user, pk: int) -> PlacedPerson:
    try:
        return persons_visible(user).get(pk=pk)
    except PlacedPerson.DoesNotExist:
        raise Http404("未找到该安置人员") from None


def person_search(qs: QuerySet[PlacedPerson], term: str) -> QuerySet[PlacedPerson]:
    """By the full ID number (exact, on the blind index) or by name; no partial-number search."""
    term = (term or "").strip()
    if not term:
        return qs
    if len(term) == 18 and term[:17].isdigit():
        return qs.filter(matches("id_index", term.upper()))
    return qs.filter(name__icontains=term)


def grid_cells(person: PlacedPerson) -> dict[tuple[int, str], rules.Cell]:
    """The stored grid; a cell never asked yet is pending."""
    cells = {(m, check): rules.Cell(c.Outcome.PENDING, "尚未校验") for m in rules.MONTHS for check in c.Check}
    for row in MonthCheck.objects.filter(person=person).only("month", "item", "outcome", "reason"):
        cells[row.month, row.item] = rules.Cell(row.outcome, row.reason)
    return cells


def month_states(person: PlacedPerson, cells=None, weight_rule=None) -> list[rules.MonthState]:
    cells = cells if cells is not None else grid_cells(person)
    periods = person_cert_periods(person)
    year = person.declaration.business_year
    return [
        rules.MonthState(
            month=pm.month, selected=pm.selected, outcome=rules.month_outcome(cells, pm.month), decision=pm.decision,
            weight=rules.month_weight(periods, year, pm.month, weight_rule),
        )
        for pm in person.months.all()
    ]


def person_cert_periods(person: PlacedPerson):
    from placement.verification import cert_periods

    return cert_periods(person)


def weight_rule_of(declaration: AnnualDeclaration):
    """The region's severe-disability weight rule for the declaration's collection year, the one
    the certificate and the levy use; the national rule until an administrator fills the table."""
    from levy.selectors import PolicyMissing, weight_rule_for

    try:
        return weight_rule_for(declaration.employer.admin_region_id, declaration.business_year + 1)
    except PolicyMissing:
        return None


def person_counts(person: PlacedPerson) -> rules.Counts:
    return rules.count(month_states(person, weight_rule=weight_rule_of(person.declaration)))


def grid_rows(person: PlacedPerson) -> list[dict]:
    """The 信息校验 table: per month the cells, the certificate type and grade, the selection and
    any reviewer decision, and the evidence beside each flagged cell."""
    cells = grid_cells(person)
    year = person.declaration.business_year
    certificates = list(person.certificates.all())
    months = {pm.month: pm for pm in person.months.all()}
    evidence: dict[tuple[int, str], list] = {}
    for row in Evidence.objects.filter(person=person).select_related("upload"):
        evidence.setdefault((row.month, row.item), []).append(row.upload)
    forced = rules.forced_months(cells, dispatched=any(ct.is_dispatch for ct in person.contracts.all()))
    rows = []
    for m in rules.MONTHS:
        covering = [cert for cert in certificates if rules.covers(cert.valid_from, cert.valid_to, year, m)]
        best = max(covering, key=lambda cert: (cert.valid_from, cert.pk), default=None)
        rows.append({
            "month": m,
            "label": f"{year}{m:02d}",
            "cells": [(check, cells[m, check], evidence.get((m, check), [])) for check in c.Check],
            "outcome": rules.month_outcome(cells, m),
            "selected": months[m].selected if m in months else False,
            "forced": m in forced,
            "decision": months[m].decision if m in months else "",
            "decision_label": months[m].get_decision_display() if m in months else "",
            "cert_kind": best.get_kind_display() if best else "",
            "cert_grade": f"{best.grade}级" if best else "",
        })
    return rows


def declaration_persons(declaration: AnnualDeclaration) -> QuerySet[PlacedPerson]:
    """The list page's rows with their months prefetched (a fixed number of queries per page)."""
    return declaration.persons.prefetch_related(
        Prefetch("months", queryset=PlacementMonth.objects.order_by("month")),
        Prefetch("checks", queryset=MonthCheck.objects.only("person_id", "month", "item", "outcome")),
        "certificates",
    )


def status_summary(declaration: AnnualDeclaration) -> dict:
    """已登记 / 审核通过(系统) / 审核通过(人工) / 部分审核不通过 / 审核不通过 / 待审核 / 资料待完善."""
    S = c.PersonStatus
    return declaration.persons.aggregate(
        total=Count("pk"),
        by_system=Count("pk", filter=Q(status=S.CONFIRMED, confirmed_by=c.ConfirmedBy.SYSTEM)),
        by_reviewer=Count("pk", filter=Q(status=S.CONFIRMED, confirmed_by=c.ConfirmedBy.REVIEWER)),
        partially_rejected=Count("pk", filter=Q(status=S.PARTIALLY_REJECTED)),
        rejected=Count("pk", filter=Q(status=S.REJECTED)),
        pending_review=Count("pk", filter=Q(status=S.PENDING_REVIEW)),
        incomplete=Count("pk", filter=Q(status=S.INCOMPLETE)),
    )


# --- the declaration as a whole (home page, list rows, API) ----------------------------------------


def list_persons(declaration: AnnualDeclaration) -> QuerySet[PlacedPerson]:
    """The list page's persons: their certificates prefetched; the months come from
    month_states_many (two grouped queries a page, however many rows)."""
    from placement.models import Certificate

    return declaration.persons.only(
        "id", "declaration_id", "name", "id_number", "status", "registered_at", "reviewed_at", "created_at",
    ).prefetch_related(Prefetch("certificates", queryset=Certificate.objects.only(
        "id", "person_id", "number", "kind", "grade", "valid_from", "valid_to", "source", "review_state")))


def month_states_many(persons: list[PlacedPerson], year: int, weight_rule=None) -> dict[int, list[rules.MonthState]]:
    """Each person's twelve month states from one query: the months as plain rows, each with its
    checks counted in SQL (a month fails on any ✗, passes when every check passed, else is
    pending). Certificates must be prefetched. Building thousands of model rows per page would
    dominate the list's time (page_latency)."""
    ids = [p.pk for p in persons]
    if not ids:
        return {}
    total = len(c.Check)
    rows = (PlacementMonth.objects.filter(person_id__in=ids)
            .annotate(month_check=FilteredRelation("person__checks", condition=Q(person__checks__month=F("month"))))
            .values_list("person_id", "month", "selected", "decision")
            .annotate(fails=Count("month_check", filter=Q(month_check__outcome=c.Outcome.FAIL)),
                      oks=Count("month_check", filter=Q(month_check__outcome=c.Outcome.OK)))
            .order_by("person_id", "month"))
    months: dict[int, list[tuple]] = {pk: [] for pk in ids}
    # plain cursor rows: Django's per-value converters were a sixth of this function's time
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for person_id, month, selected, decision, failed, passed in rows:
        selected = bool(selected)
        outcome = c.Outcome.FAIL if failed else c.Outcome.OK if passed == total else c.Outcome.PENDING
        months[person_id].append((month, selected, decision, outcome))
    states = {}
    for person in persons:
        weights = rules.year_weights(person_cert_periods(person), year, weight_rule)
        states[person.pk] = [
            rules.MonthState(month=m, selected=selected, decision=decision, outcome=outcome, weight=weights[m - 1])
            for m, selected, decision, outcome in months[person.pk]
        ]
    return states


def list_rows(persons, year: int, weight_rule=None) -> list[tuple[PlacedPerson, rules.Counts]]:
    """(person, counts) for a page of list_persons: a fixed number of queries a page."""
    persons = list(persons)
    states = month_states_many(persons, year, weight_rule)
    return [(person, rules.count(states[person.pk])) for person in persons]


def declaration_for(user, pk: int) -> AnnualDeclaration:
    try:
        return declarations_visible(user).get(pk=pk)
    except AnnualDeclaration.DoesNotExist:
        raise Http404("未找到该年审申报") from None


def declaration_totals(declaration: AnnualDeclaration) -> dict:
    """安置登记 persons, 安置确认 and 安置核定 months, the exact disabled count, and the person-months
    registered / confirmed / approved in each month of the year (安置情况分析)."""
    from fractions import Fraction

    by_month = {m: {"registered": 0, "confirmed": 0, "approved": 0} for m in rules.MONTHS}
    confirmed = approved = 0
    disabled = Fraction(0)
    persons = 0
    everyone = list(list_persons(declaration))
    all_states = month_states_many(everyone, declaration.business_year, weight_rule_of(declaration))
    for person in everyone:
        persons += 1
        states = all_states[person.pk]
        counts = rules.count(states)
        confirmed += counts.confirmed
        approved += counts.approved
        disabled += counts.disabled_count
        for state in states:
            if state.selected:
                by_month[state.month]["registered"] += 1
            if rules.month_confirmed(state):
                by_month[state.month]["confirmed"] += 1
                by_month[state.month]["approved"] += state.weight
    return {"persons": persons, "confirmed": confirmed, "approved": approved, "disabled_count": disabled,
            "by_month": by_month}
