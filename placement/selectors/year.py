"""One read model of a placed person's year (STYLE.md 10b): the twelve months with their checks,
selection, review decision and weight, the counts, the certificates, whether the person is
dispatched and which months another unit claims. The wizard, the reviewer's page, the API, the
lists, the certification and the home page all read it from here; the derived facts come from
the pure rules (placement.rules), computed once.

`person_year(person)` reads one person in full (the grid's cells and the claims);
`person_years(persons, …)` reads a page or a whole declaration in a fixed number of queries (the
months' outcomes counted in SQL, no cells)."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Prefetch, Q, QuerySet

from employers.models import RelatedUnit
from levy.selectors import PolicyMissing
from placement import choices as c
from placement import rules
from placement.facts import cert_periods, contract_terms
from placement.models import (
    Certificate,
    Contract,
    Evidence,
    MonthCheck,
    MonthCheckAnswer,
    PlacedPerson,
    PlacementMonth,
)
from placement.predicates import NOT_DRAFT, items_awaiting_review
from portal.crypto import blind_indexes
from portal.identity import grade_label
from portal.workflow import can


@dataclass
class PersonYear:
    """A person's business year as every page shows it."""

    person: PlacedPerson
    year: int
    months: list[rules.MonthState]
    certificates: tuple[rules.CertPeriod, ...]
    dispatched: bool = False
    cells: dict[tuple[int, str], rules.Cell] = field(default_factory=dict)  # full reads only
    claims: dict[int, tuple[str, ...]] = field(default_factory=dict)  # full reads only
    month_rows: list[PlacementMonth] = field(default_factory=list)  # full reads only: with who decided
    certificate_rows: list[Certificate] = field(default_factory=list)  # full reads only: as pages list them
    contract_rows: list = field(default_factory=list)  # full reads only: as pages list them

    @property
    def decisions(self) -> dict[int, PlacementMonth]:
        """Each month's stored row (its decision, who made it and when), by month."""
        return {pm.month: pm for pm in self.month_rows}

    @cached_property
    def evidence_rows(self) -> list[Evidence]:
        """The person's material, read once for the grid and the 证明材料 list."""
        return list(Evidence.objects.filter(person=self.person).select_related("upload"))

    @property
    def items_awaiting_review(self) -> bool:
        """predicates.items_awaiting_review off the rows a full read loaded (no query of its own)."""
        return items_awaiting_review(self.person, rows=(*self.certificate_rows, *self.contract_rows))

    @property
    def counts(self) -> rules.Counts:
        return rules.count(self.months)

    @property
    def confirmed_months(self) -> tuple[int, ...]:
        return rules.confirmed_months(self.months)

    @property
    def selected_months(self) -> list[int]:
        return [s.month for s in self.months if s.selected]

    @property
    def forced_months(self) -> set[int]:
        """Months the agent cannot unselect (rules.forced_months); needs the cells."""
        return rules.forced_months(self.cells, dispatched=self.dispatched) if self.cells else set()

    def best_certificate(self, month: int) -> rules.CertPeriod | None:
        return rules.best_certificate(self.certificates, self.year, month)

    def year_certificate(self) -> rules.CertPeriod | None:
        """The certificate that stands for the person over the months that count."""
        return rules.year_certificate(self.certificates, self.year, self.confirmed_months or rules.MONTHS)

    def pending_months(self) -> list[int]:
        """Months still waiting for a registry (and failing no other check)."""
        return [s.month for s in self.months if s.outcome == c.Outcome.PENDING]


def weight_rule_of(declaration):
    """The region's severe-disability weight rule for the declaration's collection year, the one
    the certificate and the levy use; the national rule until an administrator fills the table."""
    try:
        return declaration.region_rules.weight_rule
    except PolicyMissing:
        return None


# --- one person, in full ---------------------------------------------------------------------------


def grid_cells(person: PlacedPerson) -> dict[tuple[int, str], rules.Cell]:
    """The stored grid; a cell never asked yet is pending."""
    cells = {(m, check): rules.Cell(c.Outcome.PENDING, "尚未校验") for m in rules.MONTHS for check in c.Check}
    for row in MonthCheck.objects.filter(person=person).only("month", "item", "outcome", "reason"):
        cells[row.month, row.item] = rules.Cell(row.outcome, row.reason)
    return cells


def claims_of(persons: list[PlacedPerson]) -> dict[int, dict[int, tuple[str, ...]]]:
    """For each person, the months another unit's declaration of the same year (in any state)
    selects the same person in (rules.claims_by_month). One query for all of them."""
    index_of: dict[str, list[PlacedPerson]] = {}
    for person in persons:
        for index in blind_indexes(person.id_number):
            index_of.setdefault(index, []).append(person)
    rows = PlacementMonth.objects.filter(selected=True, person__id_index__in=list(index_of)).values_list(
        "month", "person__id_index", "person__declaration__business_year", "person__declaration__employer_id",
        "person__declaration__employer__name")
    found: dict[int, list[tuple]] = {p.pk: [] for p in persons}
    for month, index, year, employer_id, name in rows:
        for person in index_of.get(index, ()):
            if person.declaration.business_year == year:
                found[person.pk].append((month, employer_id, name))
    return {p.pk: rules.claims_by_month(p.declaration.employer_id, found[p.pk]) for p in persons}


UNIT_FIELDS = ("related_unit", "dispatch_agency", "si_payer", "mi_payer", "wage_payer")


def with_related_units(contracts: list[Contract]) -> list[Contract]:
    """The contracts with the related units they name (关联单位, 派遣单位, the paying units) loaded
    in one query, none when they name none (most do not). Five joins of the same table cost the
    record and review pages more than their rows: 5.2 ms against 2.7 for a person's one contract."""
    ids = {getattr(contract, f"{name}_id") for contract in contracts for name in UNIT_FIELDS} - {None}
    units = RelatedUnit.objects.in_bulk(ids) if ids else {}
    for contract in contracts:
        for name in UNIT_FIELDS:
            setattr(contract, name, units.get(getattr(contract, f"{name}_id")))
    return contracts


def person_year(person: PlacedPerson, *, weight_rule=None, with_claims: bool = True) -> PersonYear:
    """The whole year of one person: cells, months, certificates, contracts and claims."""
    year = person.declaration.business_year
    cells = grid_cells(person)
    # the rows as the record and review pages list them too (they read them a second time)
    certificate_rows = list(person.certificates.select_related("image", "reviewed_by"))
    periods = cert_periods(certificate_rows)
    weights = rules.year_weights(periods, year, weight_rule if weight_rule is not None
                                 else weight_rule_of(person.declaration))
    month_rows = list(person.months.select_related("reviewed_by").order_by("month"))
    months = [
        rules.MonthState(month=pm.month, selected=pm.selected, outcome=rules.month_outcome(cells, pm.month),
                         decision=pm.review_state, weight=weights[pm.month - 1])
        for pm in month_rows
    ]
    contract_rows = with_related_units(list(person.contracts.select_related("attachment", "reviewed_by")))
    contracts = contract_terms(contract_rows)
    return PersonYear(
        person=person, year=year, months=months, certificates=periods, dispatched=rules.is_dispatched(contracts),
        cells=cells, claims=claims_of([person])[person.pk] if with_claims else {}, month_rows=month_rows,
        certificate_rows=certificate_rows, contract_rows=contract_rows,
    )


def record_notice(person: PlacedPerson, user) -> str:
    """安置登记记录's first line: why the page is read-only and what the agent can do instead, from
    the person's state machine (重新登记 is open from 待审核, 已审核确认 and either rejection while
    the year is a draft; the record page said it was not during a review)."""
    if not person.declaration.is_draft:
        return NOT_DRAFT
    status = "安置登记已提交，等待残联主管部门审核。" if person.status == c.PersonStatus.PENDING_REVIEW \
        else "该人员已完成安置登记。"
    if can(user, person, "re_register"):
        withdrawn = "（将撤回本次审核）" if person.status == c.PersonStatus.PENDING_REVIEW else ""
        return f"{status}如需修改，请在安置人员列表中选择“重新登记”{withdrawn}。"
    return status


def cell_history(person: PlacedPerson) -> dict[tuple[int, str], list[MonthCheckAnswer]]:
    """Each cell's answers, oldest first, where the registry has answered more than one way."""
    answers: dict[tuple[int, str], list] = {}
    for answer in MonthCheckAnswer.objects.filter(person=person).only(
            "month", "item", "outcome", "reason", "asked_at"):
        answers.setdefault((answer.month, answer.item), []).append(answer)
    return {key: found for key, found in answers.items() if len(found) > 1}


def grid_rows(model: PersonYear, *, evidence: bool = True) -> list[dict]:
    """The 信息校验 table: per month the cells (with the material beside each flagged one, what the
    registry said when a reviewer decided the month if it says otherwise now, and the cell's
    earlier answers), the certificate the month is shown with, the selection and any decision."""
    files: dict[tuple[int, str], list] = {}
    if evidence:
        for row in model.evidence_rows:
            files.setdefault((row.month, row.item), []).append(row.upload)
    history = cell_history(model.person)
    decided_on = {pm.month: pm.decided_on for pm in model.month_rows if pm.review_state in (rules.VALID, rules.INVALID)}
    labels = dict(c.CertificateKind.choices)
    forced = model.forced_months
    rows = []
    for state in model.months:
        m = state.month
        best = model.best_certificate(m)
        rows.append({
            "month": m,
            "label": f"{model.year}{m:02d}",
            "cells": [(check, model.cells[m, check], files.get((m, check), []),
                       _when_decided(decided_on.get(m, {}).get(check), model.cells[m, check]),
                       history.get((m, check), [])) for check in c.Check],
            "outcome": state.outcome,
            "selected": state.selected,
            "forced": m in forced,
            "decision": state.decision if state.decision in (rules.VALID, rules.INVALID) else "",
            "decision_label": c.MONTH_DECISION_LABELS[state.decision] if state.decision in (
                rules.VALID, rules.INVALID) else "",
            "decided_on_at": _asked_last(decided_on.get(m)),
            "claims": model.claims.get(m, ()),
            "cert_kind": labels.get(best.kind, "") if best else "",
            "cert_grade": grade_label(best.grade) if best else "",
        })
    return rows


def _asked_last(answers: dict | None) -> datetime.datetime | None:
    """When the newest answer a decision rested on was asked (the decision says which check it read)."""
    if not answers:
        return None
    return max(datetime.datetime.fromisoformat(a["asked_at"]) for a in answers.values())


def _when_decided(answer: dict | None, now: rules.Cell) -> dict | None:
    """The answer a decision rested on, when the registry says something else now."""
    if not answer or (answer["outcome"], answer["reason"]) == (now.outcome, now.reason):
        return None
    return {**answer, "asked_at": datetime.datetime.fromisoformat(answer["asked_at"])}


def evidence_by_upload(model: PersonYear) -> list[dict]:
    """Each uploaded file once, with the checks and months it proves (the reviewer's 证明材料)."""
    year = model.year
    uploads: dict = {}
    for ev in model.evidence_rows:
        entry = uploads.setdefault(ev.upload_id, {"upload": ev.upload, "items": set(), "months": set()})
        entry["items"].add(c.Check(ev.item).label)
        entry["months"].add(ev.month)
    return [{**u, "months": [f"{year}{m:02d}" for m in sorted(u["months"])]}
            for u in sorted(uploads.values(), key=lambda u: min(u["months"]))]


# --- many persons: a list page, a declaration ---------------------------------------------------------


def list_persons(declaration) -> QuerySet[PlacedPerson]:
    """A declaration's persons as the lists need them: narrow rows with their certificates
    prefetched; their months come from person_years (two grouped queries a page)."""
    return declaration.person_rows().only(
        "id", "declaration_id", "name", "id_number", "status", "registered_at", "reviewed_at", "created_at",
        "hukou_type", "is_graduate", "wizard_step",
    ).prefetch_related(Prefetch("certificates", queryset=Certificate.objects.only(
        "id", "person_id", "number", "kind", "grade", "valid_from", "valid_to", "source", "review_state")))


def _month_rows(ids: list[int]) -> dict[int, list[tuple]]:
    """Each person's months as plain rows, each with its checks counted in SQL. Plain rows: building
    thousands of model rows per page would dominate the list's time (page_latency). Two queries,
    each by person on its own index: joined in one, the checks were read whole (issue 20)."""
    if not ids:
        return {}
    counted = {(person_id, month): (failed, passed) for person_id, month, failed, passed in (
        MonthCheck.objects.filter(person_id__in=ids).values_list("person_id", "month")
        .annotate(fails=Count("pk", filter=Q(outcome=c.Outcome.FAIL)), oks=Count("pk", filter=Q(outcome=c.Outcome.OK)))
        .order_by())}
    months: dict[int, list[tuple]] = {pk: [] for pk in ids}
    for person_id, month, selected, decision in (PlacementMonth.objects.filter(person_id__in=ids)
                                                 .values_list("person_id", "month", "selected", "review_state")
                                                 .order_by("person_id", "month")):
        months[person_id].append((month, selected, decision, rules.outcome_from(*counted.get((person_id, month), (0, 0)))))
    return months


def person_years(persons, year: int, weight_rule=None) -> list[PersonYear]:
    """The year of each person (certificates prefetched), without cells or claims: a fixed number of
    queries however many persons."""
    persons = list(persons)
    months = _month_rows([p.pk for p in persons])
    models = []
    for person in persons:
        periods = cert_periods(person.certificates.all())
        models.append(PersonYear(person=person, year=year, months=_states(months[person.pk], periods, year, weight_rule),
                                 certificates=periods))
    return models


def _states(rows: list[tuple], periods, year: int, weight_rule) -> list[rules.MonthState]:
    weights = rules.year_weights(periods, year, weight_rule)
    return [rules.MonthState(month=m, selected=selected, decision=decision, outcome=outcome, weight=weights[m - 1])
            for m, selected, decision, outcome in rows]


def declaration_persons(declaration) -> list[tuple[int, str, str]]:
    """Each person's (pk, status, confirmed_by), in the list's order: one narrow query."""
    return list(declaration.persons.values_list("pk", "status", "confirmed_by")) if declaration.started else []


def declaration_month_states(declaration, persons=None) -> list[list[rules.MonthState]]:
    """Each person's months with their weights, for the declaration's totals: three narrow queries
    and no person rows (building and decrypting every person was most of 首页's time: issue 20).
    `persons`: declaration_persons, when the page read them already."""
    if not declaration.started:
        return []
    ids = [row[0] for row in (declaration_persons(declaration) if persons is None else persons)]
    periods: dict[int, list] = {pk: [] for pk in ids}
    for cert in Certificate.objects.filter(person__declaration=declaration).values_list(
            "person_id", "pk", "kind", "grade", "valid_from", "valid_to", "source", "review_state", named=True):
        periods[cert.person_id].append(cert)
    months = _month_rows(ids)
    rule = weight_rule_of(declaration)
    year = declaration.business_year
    return [_states(months[pk], cert_periods(periods[pk]), year, rule) for pk in ids]


def declaration_years(declaration, *, status: str | None = None, weight_rule=None) -> list[PersonYear]:
    """Every person's year in a declaration (optionally only those in one status)."""
    persons = list_persons(declaration)
    if status is not None:
        persons = persons.filter(status=status)
    rule = weight_rule if weight_rule is not None else weight_rule_of(declaration)
    return person_years(persons, declaration.business_year, rule)
