from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "平台基础"

    def ready(self):
        from portal import reference, schema, signals  # noqa: F401  (schema: the API fields' OpenAPI extensions)
        from portal.models import Region

        reference.watch("region", Region)
