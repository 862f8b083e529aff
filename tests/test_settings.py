"""The settings that must not be wrong silently (STYLE.md 16; checklist H1, H2)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-prod-secret-" + "y" * 30,
    "ALLOWED_HOSTS": "portal.example.gov.cn",
    "PORTAL_BASE_URL": "https://portal.example.gov.cn",
    "FIELD_ENCRYPTION_KEY": "VGhpcyBpcyBhIDMyIGJ5dGUga2V5IGZvciB0ZXN0cyE=",
    "DATABASE_URL": "sqlite:///:memory:",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}


def run(args, env_overrides, check=True):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check)


def test_celery_reliability_settings_reach_the_celery_app():
    # A typo in a CELERY_* name is silently ignored; check what the app really uses.
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_soft_time_limit == 15 * 60 and conf.task_time_limit == 16 * 60
    assert conf.task_ignore_result is True
    assert "worker-heartbeat" in conf.beat_schedule


def test_the_embedded_default_uses_sqlite_in_wal_mode_and_the_filesystem_broker():
    result = run(["-c", "import django;django.setup();from django.conf import settings as s;"
                  "from django.db import connection;c=connection.cursor();c.execute('PRAGMA journal_mode');"
                  "print(s.CELERY_BROKER_URL, c.fetchone()[0], s.DEBUG)"],
                 {"SQLITE_PATH": str(ROOT / "var" / "probe.sqlite3")})
    assert result.stdout.split() == ["filesystem://", "wal", "False"]


PAGE_404 = ("import django;django.setup();from django.test import Client;"
            "r=Client().get('/no-such-page/');print(r.status_code);print(r.content.decode())")


def test_the_embedded_default_shows_the_portals_chinese_error_pages_not_djangos_debug_pages():
    # issue 14, point 14: `make run` answered any 404 with Django's English page listing every URL
    embedded = run(["-c", PAGE_404], {"SQLITE_PATH": str(ROOT / "var" / "probe.sqlite3")}).stdout
    assert embedded.startswith("404") and "页面不存在" in embedded
    assert "URLconf" not in embedded and "api/v1/" not in embedded
    asked = run(["-c", PAGE_404], {"SQLITE_PATH": str(ROOT / "var" / "probe.sqlite3"), "DEBUG": "1"}).stdout
    assert asked.startswith("404") and "URLconf" in asked  # debug output only when asked for


@pytest.mark.django_db
def test_a_bad_host_and_an_expired_form_get_chinese_pages(owner):
    from django.test import Client

    bad_host = Client().get("/accounts/login/", HTTP_HOST="evil.example")
    assert bad_host.status_code == 400 and "请求无效" in bad_host.content.decode()
    expired = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": owner.username})
    assert expired.status_code == 403 and "页面已过期" in expired.content.decode()
    assert "CSRF" not in expired.content.decode()


def test_production_settings_are_secure():
    values = json.loads(run(["-m", "tests.prod_probe"], PROD_ENV).stdout)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid" and values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_SSL_REDIRECT"]
    assert values["API_DOCS_PUBLIC"] is False


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "at least 50"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must be set"),
        ({"FIELD_ENCRYPTION_KEY": ""}, "FIELD_ENCRYPTION_KEY must be set"),
        ({"FEEDS_ERROR_RATE": "lots"}, "FEEDS_ERROR_RATE must be a number"),
        ({"FEEDS_CONCURRENCY": "0"}, "FEEDS_CONCURRENCY must be at least 1"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must start with redis://"),
        ({"PORTAL_BASE_URL": ""}, "PORTAL_BASE_URL must be set"),  # production names where its links point
        ({"PORTAL_BASE_URL": "portal.example.gov.cn"}, "PORTAL_BASE_URL must start with http"),
        ({"FILE_STORAGE": "s3"}, "needs S3_BUCKET"),
        ({"FILE_STORAGE": "nfs"}, "FILE_STORAGE must be local or s3"),
    ],
)
def test_production_refuses_to_start_with_missing_or_malformed_settings(overrides, message):
    result = run(["manage.py", "check"], {**PROD_ENV, **overrides}, check=False)
    assert result.returncode != 0
    assert message in result.stderr


def test_files_go_to_an_s3_compatible_store_when_the_settings_say_so():
    """More than one machine: the files every web and worker process reads live in one private store."""
    probe = ("import django; django.setup(); from django.core.files.storage import storages; s = storages[\"default\"]; "
             "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl, s.querystring_auth)")
    s3 = {**PROD_ENV, "FILE_STORAGE": "s3", "S3_BUCKET": "portal-files", "S3_ENDPOINT_URL": "http://minio:9000"}
    assert run(["-c", probe], s3).stdout.split() == ["S3Storage", "portal-files", "http://minio:9000", "private",
                                                     "True"]
    local = run(["-c", "import django; django.setup(); from django.core.files.storage import storages; s = storages[\"default\"]; "
                       "print(type(s).__name__)"], PROD_ENV)
    assert local.stdout.strip() == "FileSystemStorage"


def test_check_deploy_reports_no_issues_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PROD_ENV, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_responses_carry_the_security_headers():
    values = json.loads(run(["-m", "tests.prod_probe", "--headers"], PROD_ENV).stdout)
    responses = values["responses"]
    for path in ("/accounts/login/", "/api/v1/me/", "/no-such-page/"):
        headers = responses[path]["headers"]
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", path
        assert "max-age=31536000" in headers["Strict-Transport-Security"], path
        csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";") if part.strip())
        assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'", path
        assert csp["frame-ancestors"] == "'none'" and "unsafe" not in csp["script-src"], path
    login_cookies = responses["/accounts/login/"]["cookies"]
    assert login_cookies["__Host-csrftoken"]["secure"] is True
    assert responses["/api/v1/me/"]["status"] == 401
    assert responses["/api/schema/"]["status"] == 401  # docs need a login in production
    assert responses["bad-host"]["status"] == 400


def test_every_environment_variable_is_documented_in_env_example():
    source = (ROOT / "portal" / "settings.py").read_text()
    read = set(re.findall(r'(?:env\.\w+|_bool|_int|_float)\(\s*"([A-Z_]+)"', source))
    documented = set(re.findall(r"^#?\s?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - documented == set()


def test_the_default_settings_send_csp_and_nosniff(client):
    response = client.get("/accounts/login/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_authenticated_pages_are_not_cached(client_for, owner):
    assert client_for(owner).get("/")["Cache-Control"] == "no-store"


def test_no_view_is_csrf_exempt():
    offenders = [p for p in ROOT.glob("*/**/*.py") if ".venv" not in p.parts and "csrf_exempt" in p.read_text()
                 and p.name != "test_settings.py"]
    assert offenders == []


def test_settings_module_is_the_test_settings():
    assert settings.CELERY_TASK_ALWAYS_EAGER  # tests run tasks inline unless they start a worker
