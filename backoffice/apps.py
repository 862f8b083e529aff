from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = "后台工作台"

    def ready(self):
        from backoffice import home, queues  # noqa: F401 (register the queues and the home section)
        from portal import reference

        for table, model in queues.watched_tables().items():
            reference.watch(table, model)  # a write clears the figures of the queues reading the table
