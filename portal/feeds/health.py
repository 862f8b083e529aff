"""The feeds' section of the 运行状态 page: each source's recent latency and error share, the
behaviour in force, and how many calls the mock is serving now (and at most since the last reset)."""

import datetime

from django.conf import settings
from django.utils import timezone

from portal.feeds import stats
from portal.feeds.behaviour import current_behaviour
from portal.feeds.interface import SOURCE_LABELS
from portal.feeds.slots import slots
from portal.health import health_section

# An error share above this shows as 异常 (the fault-injection runs set 30%: they should show).
ERROR_SHARE_ALERT = 0.10


def source_rows() -> list[dict]:
    rows = []
    for name, label in SOURCE_LABELS.items():
        summary = stats.summary(name)
        if summary["calls"]:
            summary["last_at"] = datetime.datetime.fromtimestamp(summary["last_at"], tz=datetime.UTC)
            summary["alert"] = summary["error_share"] > ERROR_SHARE_ALERT
        rows.append({"name": name, "label": label, **summary})
    return rows


@health_section
def feeds_health() -> dict:
    pool = slots()
    return {
        "template": "feeds/health_section.html",
        "backend": settings.FEEDS_BACKEND,
        "shared": type(pool).__name__ == "RedisSlots",
        "behaviour": current_behaviour(),
        "inside": pool.inside(),
        "peak": pool.peak(),
        "sources": source_rows(),
        "window_minutes": stats.WINDOW_S // 60,
        "now": timezone.now(),
    }
