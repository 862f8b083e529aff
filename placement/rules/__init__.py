"""The placement rules (DOMAIN.md §1): the month checks of the grid and how a person counts. Pure
Python over plain values: nothing here imports Django or an app (tests/placement/test_rules.py
holds them to that)."""

from placement.rules.counting import (
    INVALID,
    VALID,
    Counts,
    MonthState,
    best_certificate,
    confirmed_months,
    count,
    month_confirmed,
    year_certificate,
    year_weights,
)
from placement.rules.grid import (
    MI,
    MONTHS,
    OK,
    SI,
    WAGE,
    Cell,
    CertPeriod,
    Check,
    ContractTerm,
    Facts,
    Month,
    Outcome,
    Payment,
    allowed_payers,
    certificate_cell,
    claims_by_month,
    contract_cell,
    covers,
    evaluate,
    forced_months,
    is_dispatched,
    month_bounds,
    month_outcome,
    no_other_unit_cell,
    outcome_from,
    pending,
    term_at_least_a_year,
    wage_cell,
    working_age_cell,
)

__all__ = [
    "INVALID", "MI", "MONTHS", "OK", "SI", "VALID", "WAGE", "CertPeriod", "Cell", "Check", "ContractTerm", "Counts", "Facts", "Month",
    "MonthState", "Outcome", "Payment", "allowed_payers", "best_certificate", "certificate_cell", "claims_by_month",
    "confirmed_months", "contract_cell", "count", "covers", "evaluate", "forced_months", "is_dispatched",
    "month_bounds", "month_confirmed", "month_outcome", "no_other_unit_cell", "outcome_from", "pending", "term_at_least_a_year", "wage_cell",
    "working_age_cell", "year_certificate", "year_weights",
]
