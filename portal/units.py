"""Which unit a user acts for. portal knows a unit only as the `employer` foreign key on its rows
(notices, uploads, documents, receipts); the employers app says how a user maps to one by
registering its lookup here (EmployersConfig.ready), so portal imports no domain app."""

from collections.abc import Callable

_lookup: Callable | None = None


def unit_lookup_register(lookup: Callable) -> None:
    """`lookup(user)` returns the unit the user acts for, or None (staff, removed agents)."""
    global _lookup
    _lookup = lookup


def unit_of(user):
    """The unit (employers.Employer) the user acts for, or None. Without a registered lookup
    nobody acts for a unit."""
    if _lookup is None or not getattr(user, "is_authenticated", False):
        return None
    return _lookup(user)
