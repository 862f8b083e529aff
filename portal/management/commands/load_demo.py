"""manage.py load_demo: every installed app's demo steps, found in its `demo` module.

An app's demo module lists its steps in `DEMO_STEPS` (run in that order) and says when they run
with `DEMO_ORDER`: the base 10 (portal.demo), the registries 20 (portal.feeds.demo), the units and
their agents 30 (employers.demo), the apps that work for a unit after them (50 when the module does
not say). An app whose demo builds on another's rows takes a higher number than that app's."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule

DEFAULT_ORDER = 50


def demo_steps() -> list:
    """The steps of every installed app's demo module, by DEMO_ORDER, then by INSTALLED_APPS."""
    modules = []
    for position, config in enumerate(apps.get_app_configs()):
        if module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            if hasattr(module, "DEMO_STEPS"):
                modules.append((getattr(module, "DEMO_ORDER", DEFAULT_ORDER), position, module))
    modules.sort(key=lambda m: m[:2])
    return [step for _order, _position, module in modules for step in module.DEMO_STEPS]


class Command(BaseCommand):
    help = "载入演示数据（可重复执行，不会重复创建）"

    def handle(self, *args, **options):
        for step in demo_steps():
            step()
            self.stdout.write(f"  ✓ {step.__module__}.{step.__name__}")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪"))
