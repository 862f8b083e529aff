"""The 联网认证 filing window of a unit's region for a business year (the policy table's
FilingWindow rows, read through levy.selectors)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Window:
    opens: datetime.date
    closes: datetime.date

    def days_left(self, today: datetime.date) -> int:
        return (self.closes - today).days

    def is_open(self, today: datetime.date) -> bool:
        return self.opens <= today <= self.closes

    def is_closed(self, today: datetime.date) -> bool:
        """Past its last day (补报 needs a new window from the federation)."""
        return today > self.closes

    @property
    def text(self) -> str:
        return f"{self.opens:%Y-%m-%d}至{self.closes:%Y-%m-%d}"


def window_closed(declaration) -> bool:
    """The declaration's window has passed (no window at all is not "closed": nothing was set)."""
    window = filing_window_of(declaration)
    return bool(window and window.is_closed(timezone.localdate()))


def filing_window_of(declaration) -> Window | None:
    """The window of the unit's region (单位所属行政区) for the declaration's business year; None when
    the policy table has none."""
    dates = declaration.region_rules.filing_window()
    return Window(*dates) if dates else None
