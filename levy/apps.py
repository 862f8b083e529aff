from django.apps import AppConfig


class LevyConfig(AppConfig):
    name = "levy"
    verbose_name = "残保金"

    def ready(self):
        from levy import health  # noqa: F401  (registers the policy check on the health page)
