"""The lists' paginator (portal.views.base.FirstPagePaginator, issue 20): the same pages as
Django's, without COUNT(*) when the first page is not full."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from portal.models import Region
from portal.views.base import paginate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("per_page", "page", "queries"), [
    (50, None, 1),   # the whole district fits: its rows are its count
    (16, None, 1),   # exactly full: one row more was asked for and not there
    (15, None, 2),   # a full first page with more behind it: counted as before
    (5, "2", 2),     # a later page: counted as before
    (5, "99", 2),    # past the end: the last page, as Django gives it
    (5, "x", 2),     # not a number: the first page
])
def test_pages_match_djangos_with_one_query_when_the_first_page_has_room(per_page, page, queries):
    districts = Region.objects.filter(parent="310100").order_by("code")
    assert districts.count() == 16
    request = RequestFactory().get("/", {"page": page} if page else {})
    with CaptureQueriesContext(connection) as captured:
        ours, _query = paginate(request, districts, per_page=per_page)
        rows = list(ours.object_list)
        pages = (ours.paginator.count, ours.paginator.num_pages, ours.number, ours.has_next(), ours.has_previous())
    django = Paginator(districts, per_page).get_page(page)
    assert rows == list(django.object_list)
    assert pages == (django.paginator.count, django.paginator.num_pages, django.number, django.has_next(),
                     django.has_previous())
    assert len(captured.captured_queries) == queries


def test_an_empty_list_is_one_empty_page_whose_one_query_is_its_rows():
    with CaptureQueriesContext(connection) as captured:
        page, _query = paginate(RequestFactory().get("/"), Region.objects.filter(parent="000000").order_by("code"))
        assert (list(page.object_list), page.paginator.count, page.paginator.num_pages) == ([], 0, 1)
    # Django's paginator asks COUNT(*) here; the empty first page is its own count
    assert [q["sql"].startswith("SELECT COUNT") for q in captured.captured_queries] == [False]
