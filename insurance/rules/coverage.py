"""保障期限 per member (the manual's 参保类型介绍): 集中参保 covers the whole plan year (7-01 to 6-30)
with no waiting period; 即时参保 covers from the day after the unit completed the enrollment (办妥
参保手续) to 6-30, with a waiting period (免责期, 30 days) from that start."""

import datetime
from dataclasses import dataclass

CENTRAL, INSTANT = "central", "instant"


@dataclass(frozen=True)
class Coverage:
    start: datetime.date | None  # None: an 即时参保 batch not completed yet (starts the day after)
    end: datetime.date
    waiting_days: int
    waiting_until: datetime.date | None  # the last day of the waiting period

    @property
    def start_text(self) -> str:
        return f"{self.start:%Y-%m-%d}" if self.start else "办妥参保手续次日"


def coverage(*, kind: str, coverage_start: datetime.date, coverage_end: datetime.date, waiting_days: int,
             completed_on: datetime.date | None) -> Coverage:
    if kind == CENTRAL:
        return Coverage(coverage_start, coverage_end, 0, None)
    if completed_on is None:
        return Coverage(None, coverage_end, waiting_days, None)
    start = max(completed_on + datetime.timedelta(days=1), coverage_start)
    waiting_until = start + datetime.timedelta(days=waiting_days - 1) if waiting_days else None
    return Coverage(start, coverage_end, waiting_days, waiting_until)
