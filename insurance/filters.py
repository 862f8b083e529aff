"""The union console's list filters (the staff consoles' FilterSets, placement.filters): the search
box (unit name or credit code) and the review state."""

from insurance import choices as c
from placement.filters import ConsoleFilter, StatusMixin, _status

APPLICATION_STATES = [(k, v) for k, v in c.APPLICATION_STATES.items() if k]


class CodeApplicationFilter(StatusMixin, ConsoleFilter):
    employer_path, year_path, status_field = "employer", None, "review_state"
    status = _status(APPLICATION_STATES)


class NameChangeFilter(StatusMixin, ConsoleFilter):
    employer_path, year_path, status_field = "code__employer", None, "review_state"
    status = _status(APPLICATION_STATES)
