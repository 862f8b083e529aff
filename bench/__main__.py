"""python -m bench [name ...]: run the benchmarks in a fresh database and print BENCH lines."""

import importlib
import os
import sys


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.test.utils import setup_databases, teardown_databases

    from bench import BENCHMARKS

    wanted = [b for b in BENCHMARKS if not argv or b.rsplit(".", 1)[-1] in argv]
    if not wanted:
        print("no benchmarks selected", file=sys.stderr)
        return 1
    config = setup_databases(verbosity=0, interactive=False)
    results = []
    try:
        for dotted in wanted:
            module = importlib.import_module(dotted)
            results.extend(module.run())
            _reset_database()  # each benchmark builds its own world (same demo units, same codes)
    finally:
        teardown_databases(config, verbosity=0)
    for result in results:
        print(result.line(), flush=True)
    return 0 if all(r.passed for r in results) else 1


def _reset_database() -> None:
    """Empty every table and put back what the data migrations load (regions, the policy table)."""
    from django.apps import apps
    from django.core.management import call_command

    from insurance.seed import seed_plan_years
    from levy.seed import seed_policy
    from portal.models import Region
    from portal.regions import load_regions

    call_command("flush", interactive=False, verbosity=0)
    load_regions(Region)
    seed_policy(apps.get_model)
    seed_plan_years(apps.get_model)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
