"""Two web instances on one machine, sharing only what production shares — the database, Redis
(when set) and the file store — behave as one portal: a session made on one is good on the other, a
file uploaded through one downloads from the other, and a lock-out on one holds on the other (issue 20).
They run as production runs them (gunicorn), each with its own processes and nothing else in common."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from employers.models import RelatedUnit
from tests import factories as f
from tests.employers.test_unit_page import related_post
from tests.test_celery_worker import database_env

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_instances(tmp_path):
    """Two gunicorn servers with the test database, one media directory and one secret."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "SQLITE_PATH", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}}
    env.update(database_env())
    # What every instance must be given alike: the secret (sessions, tokens), the field keys (the
    # personal numbers this process stored) and the file store.
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "SECRET_KEY": "scale-out-" + "k" * 50,
                "FIELD_ENCRYPTION_KEY": ",".join(settings.FIELD_ENCRYPTION_KEYS), "MEDIA_ROOT": settings.MEDIA_ROOT,
                "AXES_FAILURE_LIMIT": "3"})
    servers, urls = [], []
    for name in ("a", "b"):
        port = free_port()
        servers.append(subprocess.Popen(
            [str(BIN / "gunicorn"), "portal.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
            stdout=open(tmp_path / f"{name}.log", "w"), stderr=subprocess.STDOUT))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, server in zip(urls, servers, strict=True):
            deadline = time.time() + 60
            while True:
                try:
                    if requests.get(f"{url}/health/live", timeout=10).status_code == 200:
                        break
                except requests.RequestException:  # not listening yet, or still loading
                    pass
                if server.poll() is not None or time.time() > deadline:
                    pytest.fail("a web instance did not start:\n" + (tmp_path / "a.log").read_text()
                                + (tmp_path / "b.log").read_text())
                time.sleep(0.3)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


def form_post(session: requests.Session, base: str, path: str, data: dict, files=None):
    page = session.get(base + path)
    token = session.cookies.get("csrftoken")
    assert token, page.text[:500]
    return session.post(base + path, data={**data, "csrfmiddlewaretoken": token}, files=files,
                        headers={"Referer": base + path}, allow_redirects=False)


def test_a_session_an_upload_and_a_lockout_hold_across_two_web_instances(reference_data, two_instances, owner, unit_a,
                                                                       outsider):
    a, b = two_instances
    hasher = PBKDF2PasswordHasher()  # the instances hash as production does, not as the tests do
    for user in (owner, outsider):
        user.password = hasher.encode(f.PASSWORD, hasher.salt())
        user.save(update_fields=["password"])
    browser = requests.Session()
    signed_in = form_post(browser, a, "/accounts/login/", {"username": owner.username, "password": f.PASSWORD})
    assert signed_in.status_code == 302, signed_in.text[:1000]

    home = browser.get(b + "/", allow_redirects=False)  # the session made on A, read on B
    assert home.status_code == 200 and unit_a.name in home.text

    fields = {k: v for k, v in related_post().items() if k != "evidence"}
    created = form_post(browser, a, "/unit/related/new/", fields,
                        files={"evidence": ("协议.pdf", f.PDF_BYTES, "application/pdf")})
    assert created.status_code == 302, created.text[:2000]
    upload = RelatedUnit.objects.get(employer=unit_a).evidence
    download = browser.get(f"{b}/files/{upload.pk}/")  # stored through A, read through B
    assert download.status_code == 200 and download.content == f.PDF_BYTES

    # the right password works on B (and leaves no failure behind: AXES_RESET_ON_SUCCESS) ...
    assert form_post(requests.Session(), b, "/accounts/login/",
                     {"username": outsider.username, "password": f.PASSWORD}).status_code == 302
    intruder = requests.Session()
    for _ in range(3):
        form_post(intruder, a, "/accounts/login/", {"username": outsider.username, "password": "wrong#Pass1"})
    locked = form_post(requests.Session(), b, "/accounts/login/",
                       {"username": outsider.username, "password": f.PASSWORD})
    # ... until the failures counted on A lock the account on B too
    assert locked.status_code == 429 and "账号暂时锁定" in locked.text
