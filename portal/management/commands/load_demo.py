from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

STEPS = [
    "portal.demo.DEMO_STEPS",
    "portal.feeds.demo.DEMO_STEPS",
    "employers.demo.DEMO_STEPS",
    "placement.demo.DEMO_STEPS",
    "insurance.demo.DEMO_STEPS",
]


class Command(BaseCommand):
    help = "载入演示数据（可重复执行，不会重复创建）"

    def handle(self, *args, **options):
        for dotted in STEPS:
            for step in import_string(dotted):
                step()
                self.stdout.write(f"  ✓ {step.__module__}.{step.__name__}")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪"))
