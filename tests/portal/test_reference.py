"""The reference-table cache (portal.reference, issue 20): read once, cleared by any write, and never
holding rows a transaction may still roll back."""

import datetime

import pytest
from django.core.cache import cache
from django.db import transaction

from levy.models import FilingWindow
from levy.selectors import filing_window, region_chain
from portal import reference
from portal.models import Region
from portal.regions import load_regions
from portal.scoping import filter_regions
from tests import factories as f


class Loads:
    """A loader that counts its calls and returns what `value` is set to."""

    def __init__(self, value="v1"):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_an_entry_is_loaded_once_and_again_after_the_table_changed(db):
    load = Loads()
    assert reference.cached("t", "k", load) == "v1"
    load.value = "v2"
    assert reference.cached("t", "k", load) == "v1" and load.calls == 1
    reference.changed("other")  # another table's write leaves this one alone
    assert reference.cached("t", "k", load) == "v1" and load.calls == 1
    reference.changed("t")
    assert reference.cached("t", "k", load) == "v2" and load.calls == 2


@pytest.mark.parametrize("lost", ["ref:t:generation", "ref:t:k"])
def test_a_lost_token_or_entry_is_loaded_again(db, lost):
    load = Loads()
    reference.cached("t", "k", load)
    cache.delete(lost)
    load.value = "v2"
    assert reference.cached("t", "k", load) == "v2" and load.calls == 2


def test_a_cached_none_is_an_answer_too(db):
    load = Loads(None)
    assert reference.cached("t", "k", load) is None
    assert reference.cached("t", "k", load) is None and load.calls == 1


def district_window(**dates) -> FilingWindow:
    """A certification window of 徐汇区's own (the most specific row) for collection year 2027."""
    return FilingWindow.objects.create(region_code="310104", kind="certification", first_year=2027,
                                       source="测试", **dates)


def test_saving_or_deleting_a_watched_row_clears_its_table(db):
    before = filing_window("310104", 2026)  # cached now
    row = district_window(opens="02-01", closes="02-28")
    assert filing_window("310104", 2026) == (datetime.date(2027, 2, 1), datetime.date(2027, 2, 28)) != before
    row.closes = "02-20"
    row.save()
    assert filing_window("310104", 2026)[1] == datetime.date(2027, 2, 20)
    row.delete()
    assert filing_window("310104", 2026) == before


def test_a_region_renamed_or_added_in_bulk_is_seen(db):
    user = f.UserFactory(username="r", role="federation_reviewer", region=f.region("310100"))
    before = filter_regions(user)
    assert region_chain("310104") == ["310104", "310100", "310000", "000000"]
    district = Region.objects.get(code="310104")
    district.full_name = "上海市 徐汇区（改）"
    district.save()
    assert "上海市 徐汇区（改）" in [r.full_name for r in filter_regions(user)]
    Region.objects.filter(code="310151").delete()  # a queryset delete sends the signal per row
    assert "310151" not in [r.code for r in filter_regions(user)]
    assert load_regions(Region) == 1  # the tree's loader puts it back in bulk, and says so
    assert [r.code for r in filter_regions(user)] == [r.code for r in before]


@pytest.mark.django_db(transaction=True)
def test_rows_a_transaction_rolls_back_are_never_cached(reference_data):
    committed = filing_window("310104", 2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        district_window(opens="02-01", closes="02-28")
        assert filing_window("310104", 2026)[0].month == 2  # the writer reads its own row
        raise RuntimeError("rolled back")
    assert filing_window("310104", 2026) == committed
    # and once committed, every process reads the new row
    with transaction.atomic():
        district_window(opens="03-01", closes="03-31")
    assert filing_window("310104", 2026)[0].month == 3


def test_the_home_page_reads_policy_and_window_rows_once_across_requests(client_for, owner, reviewer_sh):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(owner)
    client.get("/")
    with CaptureQueriesContext(connection) as again:
        assert client.get("/").status_code == 200
    tables = " ".join(q["sql"] for q in again.captured_queries)
    assert "levy_policyrule" not in tables and "levy_filingwindow" not in tables
    # staff are loaded with their region: their lists' scope and region filter ask no more of it
    staff = client_for(reviewer_sh)
    staff.get("/backoffice/persons/")
    with CaptureQueriesContext(connection) as queue:
        assert staff.get("/backoffice/persons/").status_code == 200
    assert not [q for q in queue.captured_queries if 'FROM "portal_region"' in q["sql"]]


def test_the_backend_loads_the_user_with_the_region(db, reviewer_sh, django_assert_num_queries):
    from portal.backends import RegionModelBackend

    user = RegionModelBackend().get_user(reviewer_sh.pk)
    with django_assert_num_queries(0):
        assert user.region.code == reviewer_sh.region_id


def test_entries_read_from_several_tables_are_loaded_again_only_when_one_of_theirs_changed(db):
    loads = []

    def load(stale):
        loads.append(stale)
        return [f"{i}@{len(loads)}" for i in stale]

    entries = [(("a",), "x"), (("a", "b"), "y"), (("c",), "z")]
    assert reference.cached_many(entries, load) == ["0@1", "1@1", "2@1"] and loads == [[0, 1, 2]]
    assert reference.cached_many(entries, load) == ["0@1", "1@1", "2@1"] and len(loads) == 1
    reference.changed("b")
    assert reference.cached_many(entries, load) == ["0@1", "1@2", "2@1"] and loads[-1] == [1]
    reference.changed("a")
    assert reference.cached_many(entries, load) == ["0@3", "1@3", "2@1"] and loads[-1] == [0, 1]
