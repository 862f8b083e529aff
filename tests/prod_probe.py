"""Run as `python -m tests.prod_probe` with production environment variables (tests/test_settings.py; as a
module, so `portal` is the app and not tests/portal): prints the
effective settings and the headers of a few responses as JSON."""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

out = {
    "DEBUG": settings.DEBUG,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SESSION_COOKIE_NAME": settings.SESSION_COOKIE_NAME,
    "CSRF_COOKIE_NAME": settings.CSRF_COOKIE_NAME,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "API_DOCS_PUBLIC": settings.API_DOCS_PUBLIC,
}
if "--headers" in sys.argv:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    client = Client()
    host = settings.ALLOWED_HOSTS[0]
    responses = {}
    for path in ("/accounts/login/", "/api/v1/me/", "/no-such-page/", "/api/schema/"):
        r = client.get(path, secure=True, HTTP_HOST=host)
        responses[path] = {"status": r.status_code, "headers": dict(r.headers),
                           "cookies": {k: dict(v) | {"value": ""} for k, v in r.cookies.items()}}
    responses["bad-host"] = {"status": client.get("/accounts/login/", secure=True, HTTP_HOST="evil.example").status_code}
    out["responses"] = responses
print(json.dumps(out, default=str))
