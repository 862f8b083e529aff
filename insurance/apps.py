from django.apps import AppConfig


class InsuranceConfig(AppConfig):
    name = "insurance"
    verbose_name = "退休住院计划"

    def ready(self):
        from insurance import labels, uploads  # noqa: F401 (uploads registers the plan's kinds of file)

        labels.register()
        from insurance.models import CalendarDay
        from portal import reference

        reference.watch("calendar_day", CalendarDay)
