"""The Celery app and the one schedule of periodic work (every entry says when and why)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every minute: proves to the health page that broker, worker and beat all run.
    "worker-heartbeat": {"task": "portal.tasks.worker_heartbeat_task", "schedule": 60.0},
    # 02:30 every night: re-check placement months whose registries did not answer during the day.
    "placement-sweep": {"task": "placement.tasks.placement_sweep_task", "schedule": crontab(hour=2, minute=30)},
    # Every 2 minutes: hand-offs to the tax intake: retry due or lost pushes, ask whether sent ones
    # were acknowledged (the intake acknowledges on its own time), so none stays silently stuck.
    "tax-delivery-sweep": {"task": "placement.tasks.delivery_sweep_task", "schedule": 120.0},
    # 08:00 every day: remind units with an unsubmitted declaration 30, 7 and 1 days before their
    # region's filing window closes (idempotent per unit and day, so a missed or repeated beat is harmless).
    # Every 5 minutes: retiree rosters whose registries did not answer (or whose tasks were lost)
    # are asked again, so a batch never stays 名单校验中 because of an outage; missing 社保人数 too.
    "insurance-sweep": {"task": "insurance.tasks.insurance_sweep_task", "schedule": 300.0},
    # 07:00 every day: withholding runs whose pension day (养老金发放日) has come are handed to the pension
    # registry (idempotent: a run leaves 待养老金发放日 once, so a repeated beat starts nothing twice).
    "insurance-withholding-runs": {"task": "insurance.tasks.withholding_runs_due_task",
                                   "schedule": crontab(hour=7, minute=0)},
    "placement-reminders": {"task": "placement.tasks.declaration_reminders_task", "schedule": crontab(hour=8, minute=0)},
    # 00:10 every day: levy assessments past their payment deadline become 逾期未缴 (the late fee accrues
    # from the day after the deadline; idempotent, so a missed or repeated beat is harmless).
    "levy-overdue": {"task": "levy.tasks.levy_overdue_task", "schedule": crontab(hour=0, minute=10)},
    # Every 2 minutes: re-drive registry fetches and payment orders whose retry is due or was lost, and
    # ask the payment channel about orders the bank is processing (it settles on its own time).
    "levy-sweep": {"task": "levy.tasks.levy_sweep_task", "schedule": 120.0},
}
