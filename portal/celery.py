"""The Celery app and the one schedule of periodic work (every entry says when and why)."""

import os

from celery import Celery
from celery.schedules import crontab  # noqa: F401  (used by later entries)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every minute: proves to the health page that broker, worker and beat all run.
    "worker-heartbeat": {"task": "portal.tasks.worker_heartbeat_task", "schedule": 60.0},
}
