"""Shared fixtures: personas in three regions, logged-in clients (staff pass TOTP), and helpers."""

import os

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from tests import factories as f

REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str):
    """Locally a missing service skips; in CI (PORTAL_REQUIRE_SERVICES=1) it fails."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def require_poppler() -> None:
    """pdftotext / pdftoppm (poppler-utils, installed by `make test`) read our PDFs back."""
    import shutil

    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        skip_or_fail("poppler-utils is not installed (make test installs it as root)")


def ensure_reference_data() -> None:
    """Transactional tests flush every table, the data migrations' rows included (the region tree,
    the levy policy table, the retiree plan's years). Put them back when they are missing; the
    loaders are idempotent."""
    from django.apps import apps

    from levy.models import MinimumWage
    from levy.seed import seed_policy
    from portal.models import Region
    from portal.regions import load_regions

    if not Region.objects.exists():
        load_regions(Region)
    if not MinimumWage.objects.exists():
        seed_policy(apps.get_model)
    from insurance.seed import seed_plan_years

    seed_plan_years(apps.get_model)


@pytest.fixture
def reference_data(transactional_db):
    ensure_reference_data()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles and feed statistics live in the cache: each test starts with an empty one."""
    from django.core.cache import cache

    from portal.feeds.stats import clear_buffer

    cache.clear()
    clear_buffer()
    yield


@pytest.fixture(autouse=True)
def _celery_stays_eager():
    """Tasks run inline in tests. Two ways to lose that for the rest of the process, each once a
    real bug here: switching eager execution off with override_settings (Celery caches its
    configuration when first read), and a producer `Celery(...)` made without
    `set_as_current=False` (shared tasks then send through it to a queue nobody reads)."""
    yield
    from celery import current_app

    from portal.celery import app

    assert current_app.main == app.main, "a test made another Celery app current (use set_as_current=False)"
    assert app.conf.task_always_eager, "a test left Celery non-eager for the rest of this process"


def login(client: Client, user) -> Client:
    """Log a user in; staff also pass the second factor."""
    client.force_login(user)
    if user.is_staff_member:
        device = f.confirmed_totp(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(db):
    def make(user) -> Client:
        return login(Client(), user)

    return make


@pytest.fixture
def unit_a(db):
    """A Shanghai unit (徐汇区)."""
    return f.EmployerFactory(name="上海甲单位有限公司", admin_region=f.region("310104"))


@pytest.fixture
def unit_b(db):
    """A Liaoning unit (沈阳市和平区): outside every Shanghai user's scope."""
    return f.EmployerFactory(name="沈阳乙单位有限公司", admin_region=f.region("210102"))


@pytest.fixture
def owner(unit_a):
    return f.AgentFactory(employer=unit_a, is_registrant=True, user__full_name="甲经办人").user


@pytest.fixture
def colleague(unit_a):
    return f.AgentFactory(employer=unit_a, is_registrant=False, user__full_name="甲同事").user


@pytest.fixture
def outsider(unit_b):
    return f.AgentFactory(employer=unit_b, is_registrant=True, user__full_name="乙经办人").user


@pytest.fixture
def reviewer_sh(db):
    return f.UserFactory(reviewer=True, region=f.region("310000"), full_name="上海审核员")


@pytest.fixture
def reviewer_ln(db):
    return f.UserFactory(reviewer=True, region=f.region("210102"), full_name="和平区审核员")


@pytest.fixture
def supervisor_sh(db):
    return f.UserFactory(supervisor=True, region=f.region("310000"), full_name="上海主管")


@pytest.fixture
def tax_sh(db):
    return f.UserFactory(tax=True, region=f.region("310000"), full_name="上海税务")


@pytest.fixture
def union_sh(db):
    return f.UserFactory(union=True, region=f.region("310000"), full_name="上海职保会", union_district="徐汇区总工会")


@pytest.fixture
def admin_user(db):
    return f.UserFactory(admin=True, full_name="管理员")


def plan_uses(query: dict, index: str, table: str) -> bool:
    """Whether PostgreSQL can serve a captured query from `index`: with sequential scans priced out
    and the table's other indexes and unique constraints dropped inside a savepoint that is rolled
    back, so a small test table cannot hide an index whose condition the query no longer matches."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own writes checked now: the table can be altered
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'", [table])
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname <> %s "
                       "AND indexname NOT LIKE '%%_pkey'", [table, index])
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("EXPLAIN " + query["sql"])
        used = any(index in row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return used
