"""The union console's list filters (the staff consoles' FilterSets, placement.filters): the search
box (unit name or credit code) and the review state."""

from django.db.models import Q

from insurance import choices as c
from placement.filters import ConsoleFilter, StatusMixin, _status

APPLICATION_STATES = [(k, v) for k, v in c.APPLICATION_STATES.items() if k]


class CodeApplicationFilter(StatusMixin, ConsoleFilter):
    employer_path, year_path, status_field = "employer", None, "review_state"
    status = _status(APPLICATION_STATES)


class NameChangeFilter(StatusMixin, ConsoleFilter):
    employer_path, year_path, status_field = "code__employer", None, "review_state"
    status = _status(APPLICATION_STATES)


class BatchFilter(StatusMixin, ConsoleFilter):
    """参保批次 across the union's units: the search box also finds a 批次号 or a 参保编码."""

    employer_path, year_path, status_field = "employer", "plan_year__year", "status"
    status = _status([(s.value, s.label) for s in c.BatchStatus if s != c.BatchStatus.DELETED])

    def search(self, qs, name, term: str):
        term = term.strip()
        if term.upper().startswith("TXZY") or (term.isdigit() and len(term) == 8):
            return qs.filter(Q(number__iexact=term) | Q(code__code=term))
        return super().search(qs, name, term)


class RunFilter(StatusMixin, ConsoleFilter):
    employer_path, year_path, status_field = "batch__employer", "batch__plan_year__year", "status"
    status = _status(c.RunStatus.choices)
