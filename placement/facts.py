"""The facts the placement rules read, made from stored rows and the registries' answers: pure
values (placement.rules' CertPeriod, ContractTerm, Payment, Facts) built once, so the grid, the
counts and every page read the same facts. No registry is called here (placement.registry asks
them) and nothing is stored (placement.services.verification stores)."""

import time

from levy.selectors import PolicyMissing, minimum_wage
from placement import choices as c
from placement import rules
from portal.feeds.calls import NOT_FOUND

# the six sources one person's verification asks, and their names in messages
SOURCES = ("social_insurance", "medical_insurance", "wages", "certificates", "civil_status", "pension")
SOURCE_LABELS = {
    "social_insurance": "社会保险系统", "medical_insurance": "医疗保险系统", "wages": "工资（个税）系统",
    "certificates": "残疾人证登记系统", "civil_status": "民政登记系统", "pension": "养老保险系统",
}


def cert_periods(certificates) -> tuple[rules.CertPeriod, ...]:
    """A person's certificates (stored or merged with the registry's) as the rules see them."""
    return tuple(
        rules.CertPeriod(kind=cert.kind, grade=cert.grade, valid_from=cert.valid_from, valid_to=cert.valid_to,
                         manual=cert.source == c.CertificateSource.MANUAL,
                         approved=cert.review_state == c.ReviewState.APPROVED, ref=cert.pk)
        for cert in certificates
    )


def contract_terms(contracts) -> tuple[rules.ContractTerm, ...]:
    """A person's contracts as the rules see them: the term, whether it was signed through a
    related unit, the units that may pay because of it (that related unit; the dispatch agency when
    the agreement says the person counts here), the 社保 / 医保 / 工资 payers it names, and whether it
    is a dispatch agreement."""
    terms = []
    for contract in contracts:
        payers = set()
        if contract.relation != c.Relation.SELF and contract.related_unit:
            payers.add(contract.related_unit.credit_code)
        if contract.is_dispatch and contract.dispatch_agency and contract.counts_here_stated:
            payers.add(contract.dispatch_agency.credit_code)
        named = tuple((source, unit.credit_code) for source, unit in (
            (rules.SI, contract.si_payer), (rules.MI, contract.mi_payer), (rules.WAGE, contract.wage_payer))
            if unit is not None)
        terms.append(rules.ContractTerm(start=contract.start_date, end=contract.end_date,
                                        related=contract.relation != c.Relation.SELF, payers=frozenset(payers),
                                        dispatch=contract.is_dispatch, named=named))
    return tuple(terms)


# --- the monthly sources' answers ---------------------------------------------------------------


def _si_entries(month):
    return (rules.Payment(e.unit.credit_code, e.unit.name, e.paid) for e in month.contributions)


def _mi_entries(month):
    return (rules.Payment(e.unit.credit_code, e.unit.name, e.paid) for e in month.coverages)


def _wage_entries(month):
    return (rules.Payment(p.unit.credit_code, p.unit.name, p.paid, p.wage) for p in month.payments)


ENTRIES = {"wages": _wage_entries, "social_insurance": _si_entries, "medical_insurance": _mi_entries}
CHECK_SOURCE = {c.Check.WAGE: "wages", c.Check.SOCIAL_INSURANCE: "social_insurance",
                c.Check.MEDICAL_INSURANCE: "medical_insurance"}


def _months(answer, year: int, source: str) -> dict[int, rules.Month] | None:
    if answer is None:
        return None
    if answer is NOT_FOUND:
        return {}
    return {m: tuple(ENTRIES[source](answer.month(year * 100 + m))) for m in rules.MONTHS}


def answer_of(answers: dict, year: int, month: int, check: str) -> dict:
    """What the feed said for one cell, kept beside its outcome ("what the feed said then"): who
    paid (credit code), whether, and how much."""
    source = CHECK_SOURCE.get(check)
    if source is None:
        return {}
    answer = answers.get(source)
    if answer is None:
        return {"status": "unavailable"}
    if answer is NOT_FOUND:
        return {"status": "not_found"}
    return {"entries": [[p.payer, p.paid, str(p.amount) if p.amount is not None else None]
                        for p in ENTRIES[source](answer.month(year * 100 + month))]}


_WAGE_CACHE: dict[tuple[str, int], tuple[float, dict]] = {}
_WAGE_CACHE_SECONDS = 60.0


def minimum_wages(region_code: str, year: int) -> dict[int, object]:
    """The twelve monthly minimum wages of a region and year. Every person of a unit shares them,
    so a worker asks the policy table once a minute, not twelve times a person (an administrator's
    edit takes effect within that minute)."""
    key = (region_code, year)
    now = time.monotonic()
    cached = _WAGE_CACHE.get(key)
    if cached and now - cached[0] < _WAGE_CACHE_SECONDS:
        return cached[1]
    wages = {}
    for m in rules.MONTHS:
        try:
            wages[m] = minimum_wage(region_code, year, m)
        except PolicyMissing:
            wages[m] = None  # the wage check waits for an administrator to fill the policy table
    _WAGE_CACHE[key] = (now, wages)
    return wages


def facts_for(person, answers: dict, claims: dict, certificates) -> rules.Facts:
    """Everything the rules need about one person for the year: the registries' answers (None for
    a silent source, NOT_FOUND for "no record"), the stored contracts and certificates, and the
    other units' claims on the same months."""
    year = person.declaration.business_year
    employer = person.declaration.employer
    civil, pension = answers["civil_status"], answers["pension"]
    retired_from = None
    if pension not in (None, NOT_FOUND) and pension.retired and pension.retirement_month:
        retired_from = divmod(pension.retirement_month, 100)
    return rules.Facts(
        year=year,
        unit_code=employer.credit_code,
        birth_date=person.birth_date,
        retirement_category=person.retirement_category,
        certificates=cert_periods(certificates),
        certificates_known=answers["certificates"] is not None,
        contracts=contract_terms(person.contracts.all()),
        minimum_wage=minimum_wages(employer.admin_region_id, year),
        wages=_months(answers["wages"], year, "wages"),
        social_insurance=_months(answers["social_insurance"], year, "social_insurance"),
        medical_insurance=_months(answers["medical_insurance"], year, "medical_insurance"),
        retired_from=retired_from,
        pension_known=pension is not None,
        deceased_on=civil.death_date if civil not in (None, NOT_FOUND) and not civil.alive else None,
        civil_known=civil is not None,
        other_claims=claims,
    )
