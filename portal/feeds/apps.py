from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "portal.feeds"
    label = "feeds"
    verbose_name = "外部数据源（模拟）"

    def ready(self):
        from portal.feeds import checks, health  # noqa: F401 (registers the check and the health section)
