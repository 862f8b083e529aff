"""The government registries the portal checks against: the one seam for outbound calls (STYLE.md 15).

Apps never reach a registry any other way. They ask `get_feeds()`, which returns the backend chosen
by FEEDS_BACKEND ("mock", the default: seeded registry tables in this database; "http": social
insurance and the pension registry over HTTP at FEEDS_HTTP_URL through `portal.feeds.http`, the
other sources still mock).
One call asks one source about one person (or unit) for one year; monthly sources answer twelve
months. Results are frozen dataclasses (portal.feeds.types); months are YYYYMM integers.

What placement calls, per placed person and business year::

    from portal.feeds import get_feeds
    feeds = get_feeds()
    feeds.social_insurance.person_year(id_number: str, year: int) -> SocialInsuranceYear
        # .name_on_record; .month(202503).paid / .paid_by(*credit_codes) / .contributions[i].base
    feeds.medical_insurance.person_year(id_number: str, year: int) -> MedicalInsuranceYear
        # .month(m).paid / .paid_by(*credit_codes)
    feeds.wages.person_year(id_number: str, year: int) -> WageYear
        # .month(m).wage_from(*credit_codes) -> Decimal, compared with the region's minimum wage
    feeds.certificates.person_year(id_number: str, year: int) -> CertificateYear
        # .holder (name, sex, 户籍: the wizard's prefill); .valid_in(m) -> Certificate | None
    feeds.civil_status.person_year(id_number: str, year: int) -> CivilStatus
        # .alive, .death_date
    feeds.pension.person_year(id_number: str, year: int) -> PensionStatus
        # .retired, .retirement_month (None when retired: 退休年月为空), .can_withhold(amount)

and per unit::

    feeds.social_insurance.unit_year(credit_code: str, year: int) -> UnitInsuranceYear
        # .si_number (社保编号), .month(m).headcount, .month(m).retirees
    feeds.enterprises.lookup(credit_code: str) -> EnterpriseRecord
        # .name, .address, .registration_authority (the unit page's prefill)
    feeds.tax_intake.submit(result: CertifiedResult) -> IntakeReceipt   # idempotent by reference
    feeds.tax_intake.status(reference: str) -> IntakeReceipt             # received → acknowledged | rejected

Failures (portal.feeds.errors):

- `FeedUnavailable` (timeouts, 5xx, no free slot within FEEDS_TIMEOUT_S): transient. The caller's
  Celery task retries it with backoff and jitter; this package never retries. A month whose feed
  did not answer is *pending*, never ✗ (a month fails on evidence, never on an outage).
- `FeedRejected`: permanent (a malformed question or answer); retrying gives the same result. It
  goes to a state staff can see and re-drive.
- `PersonNotFound` / `UnitNotFound` / `SubmissionNotFound` (subclasses of `RecordNotFound`, itself a
  `FeedRejected`): the registry's real answer that it has no record (社保: 未匹配到社保信息). Evidence,
  not an outage.

The mock's behaviour is set by FEEDS_LATENCY_MS, FEEDS_ERROR_RATE, FEEDS_TIMEOUT_RATE,
FEEDS_CONCURRENCY (calls served at once, across all processes when REDIS_URL is set) and
FEEDS_TIMEOUT_S, read at every call; `configure(...)` changes them for a block of code (tests,
benchmarks). Demo people with known oddities: `portal.feeds.demo.DEMO_PEOPLE`.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.feeds.behaviour import Behaviour, configure, current_behaviour
from portal.feeds.errors import (
    FeedError,
    FeedRejected,
    FeedUnavailable,
    PersonNotFound,
    RecordNotFound,
    SubmissionNotFound,
    UnitNotFound,
)
from portal.feeds.interface import Feeds
from portal.feeds.types import *  # noqa: F403 (the result types are part of the API)

BACKENDS = ("mock", "http")


def get_feeds() -> Feeds:
    """The registries of the configured backend (FEEDS_BACKEND, read at every call)."""
    from portal.feeds.mock import mock_feeds

    backend = settings.FEEDS_BACKEND
    if backend == "mock":
        return mock_feeds()
    if backend == "http":
        from dataclasses import replace

        from portal.feeds.http import HttpPension, HttpSocialInsurance

        if not settings.FEEDS_HTTP_URL:
            raise ImproperlyConfigured("FEEDS_HTTP_URL must be set when FEEDS_BACKEND=http")
        # Social insurance and the pension registry have HTTP adapters so far; the others stay mock.
        return replace(mock_feeds(), social_insurance=HttpSocialInsurance(settings.FEEDS_HTTP_URL),
                       pension=HttpPension(settings.FEEDS_HTTP_URL))
    raise ImproperlyConfigured(f"FEEDS_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")


__all__ = [
    "get_feeds", "Feeds", "configure", "current_behaviour", "Behaviour",
    "FeedError", "FeedUnavailable", "FeedRejected", "RecordNotFound", "PersonNotFound", "UnitNotFound",
    "SubmissionNotFound",
]
