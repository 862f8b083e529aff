"""Small helpers every app's views use, so views stay thin: run one service for a valid form and
turn its refusal into form errors, or for a button and turn the outcome into a message."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator

from portal.exceptions import DomainError
from portal.forms import add_domain_error

PAGE_SIZE = 20


def call_service(form: forms.Form, service: Callable, /, **kwargs):
    """Call `service(**kwargs)`; on a DomainError add it to the form and return None."""
    try:
        return service(**kwargs)
    except DomainError as error:
        add_domain_error(form, error)
        return None


def call_action(request, service: Callable, done: str | Callable, /, **kwargs) -> bool:
    """A button's POST: call `service(**kwargs)` and say what happened as a message, `done` (or
    `done(result)`) on success, the refusal's own words otherwise. True when it was done."""
    try:
        result = service(**kwargs)
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, done(result) if callable(done) else done)
    return True


class FirstPagePaginator(Paginator):
    """Django's paginator, except that a first page with room to spare is its own count: most lists
    of a district fit on one page, and COUNT(*) asked what the page's rows already said (issue 20).
    A full first page is counted as before, and its rows are kept."""

    def get_page(self, number):
        if number not in (None, "", "1", 1) or "count" in self.__dict__:
            return super().get_page(number)
        head = list(self.object_list[: self.per_page + 1])
        if len(head) <= self.per_page:
            self.__dict__["count"] = len(head)  # Paginator.count is a cached_property
        return self._get_page(head[: self.per_page], 1, self)


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A page of the queryset and the query string without `page` (for the pager's links)."""
    paginator = FirstPagePaginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
