"""The working-day calendar with the administrators' table (insurance.models.CalendarDay) applied:
when a code application or a name change is due for review (one working day), when the 代扣受理单
comes (one working day after the withholding request)."""

import datetime

from django.utils import timezone

from insurance.models import CalendarDay
from insurance.rules import workdays
from portal import reference

REVIEW_DAYS = 1  # the manual: 审核时间为提交申请后1个工作日


def _overrides(first: datetime.date, last: datetime.date) -> dict[datetime.date, bool]:
    return reference.cached("calendar_day", f"{first}:{last}", lambda: dict(
        CalendarDay.objects.filter(date__gte=first, date__lte=last).values_list("date", "is_working_day")))


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    # a month of days covers any run of holidays (the longest, 春节 or 国庆, is eight days)
    return workdays.add_working_days(start, days, _overrides(start, start + datetime.timedelta(days=days * 3 + 31)))


def is_working_day(day: datetime.date) -> bool:
    return workdays.is_working_day(day, _overrides(day, day))


def review_due(submitted_at: datetime.datetime) -> datetime.date:
    """The day by whose end the union reviews what was submitted at `submitted_at`."""
    return add_working_days(timezone.localdate(submitted_at), REVIEW_DAYS)


def uncovered_years(*years: int) -> list[int]:
    """Years neither the package nor the administrators' table covers (the calendar then falls
    back to Monday–Friday, and administrators are asked to enter the holidays)."""
    return [year for year in years if not workdays.package_covers(year)
            and not reference.cached("calendar_day", f"year:{year}",
                                     lambda year=year: CalendarDay.objects.filter(date__year=year).exists())]
