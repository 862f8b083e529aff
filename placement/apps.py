from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "placement"
    verbose_name = "按比例就业年审"

    def ready(self):
        from placement import home, labels  # noqa: F401 (home registers the 首页 section)

        labels.register()
