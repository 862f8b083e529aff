"""The plan years the manual describes (2025) and the two after it on the same dates, so the portal
works out of the box; administrators correct them in the admin when the union publishes its dates.
Used by the data migration and by anything that empties the tables (tests, benchmarks)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
MANUAL = "《“退休住院计划”单位团体线上参保操作手册》（上海市职工保障互助会）"


def _at(year, month, day, hour=0):
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def plan_year_values(year: int) -> dict:
    """The manual's dates moved to `year`: 集中参保 5-12 to 6-30 17:00, the withholding channel
    closing 5-31 17:00 with requests by 6-04 16:00, 即时参保 from 7-01 with 30 days' waiting."""
    return dict(
        premium=Decimal("450.00"), coverage_start=datetime.date(year, 7, 1),
        coverage_end=datetime.date(year + 1, 6, 30), central_opens_at=_at(year, 5, 12),
        central_closes_at=_at(year, 6, 30, 17), withholding_closes_at=_at(year, 5, 31, 17),
        withholding_request_deadline=_at(year, 6, 4, 16), instant_opens_at=_at(year, 7, 1), waiting_days=30,
        threshold=Decimal("0.750"), account_name="上海市职工保障互助会退休职工医保专户",
        account_number="31602300008023554", account_bank="上海银行人民广场支行",
        source=MANUAL if year == 2025 else f"{MANUAL}2025年度日期顺延，待职保会公布{year}年度安排后核实",
    )


def seed_plan_years(get_model) -> None:
    """Idempotent: only missing years are added."""
    PlanYear = get_model("insurance", "PlanYear")
    for year in (2025, 2026, 2027):
        PlanYear.objects.get_or_create(year=year, defaults=plan_year_values(year))
