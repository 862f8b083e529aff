"""Rules other apps add to the unit page without employers importing them: placement says when a
unit may no longer change its 残联主管部门 or 税务主管部门 (a submitted declaration for the year)."""

from collections.abc import Callable

_REGION_CHANGE_BLOCKERS: list[Callable] = []


def region_change_blocker(fn: Callable) -> Callable:
    """Register fn(employer) -> str | None: a Chinese reason the regions are locked, or None."""
    _REGION_CHANGE_BLOCKERS.append(fn)
    return fn


def region_change_blocked(employer) -> str | None:
    for blocker in _REGION_CHANGE_BLOCKERS:
        reason = blocker(employer)
        if reason:
            return reason
    return None
