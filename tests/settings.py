"""Test settings: the real settings module, with only what makes tests fast and isolated."""

import os
import tempfile

from portal.settings import *  # noqa: F403
from portal.settings import DATABASES, VAR_DIR

# Hashing with a million PBKDF2 rounds costs ~0.3 s a password; tests create hundreds.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run inline unless a test starts a real worker (tests/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# Feeds are asked in this thread (tests see their own uncommitted data) with millisecond backoff.
FEEDS_THREADS = 1
FEEDS_BACKOFF_S = 0.001

MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PORTAL_BASE_URL = "https://portal.example.gov.cn"

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory: the real-worker test starts a second process that must see the data.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{worker}.sqlite3")}
