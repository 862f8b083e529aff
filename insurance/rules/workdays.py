"""Working days (工作日): China's statutory holidays and adjusted working days (调休) from the
chinese-calendar package, overridden or extended by the administrators' own table for the years
the package does not cover yet. Pure: the table comes in as a dict."""

import datetime

import chinese_calendar


def package_covers(year: int) -> bool:
    """Whether the chinese-calendar package knows the holidays of `year`."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: datetime.date, overrides: dict[datetime.date, bool]) -> bool:
    """The table first, then the package, then (a year nobody has entered yet) Monday to Friday."""
    if day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: datetime.date, days: int, overrides: dict[datetime.date, bool]) -> datetime.date:
    """The `days`-th working day after `start` (start itself never counts: a request made on a
    Friday evening is reviewed "within one working day" by the end of Monday)."""
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, overrides):
            left -= 1
    return day
