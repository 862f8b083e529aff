"""A wrong FEEDS_BACKEND would only fail at the first feed call; say it at start-up instead."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def feeds_backend_check(app_configs, **kwargs):
    from portal.feeds import BACKENDS

    if settings.FEEDS_BACKEND not in BACKENDS:
        return [Error(f"FEEDS_BACKEND must be one of {', '.join(BACKENDS)}, not {settings.FEEDS_BACKEND!r}",
                      id="feeds.E001")]
    if settings.FEEDS_BACKEND == "http" and not settings.FEEDS_HTTP_URL:
        return [Error("FEEDS_HTTP_URL must be set when FEEDS_BACKEND=http", id="feeds.E002")]
    return []
