"""Run by bench.loadtest before the load: the demo, and staff accounts of its own for each simulated
staff member (a TOTP code is accepted once, so two sessions cannot share an account)."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.loadtest.settings")
import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from portal.demo import DEMO_PASSWORD, totp_key_for  # noqa: E402
from portal.models import User  # noqa: E402

# Each simulated role copies a demo account's role and region.
LIKE = {"reviewer": "reviewer-sh", "tax": "tax-sh", "union": "union-sh"}


def main(count: int) -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    password = make_password(DEMO_PASSWORD)  # hashed once (production's hasher is slow on purpose)
    for account, model_name in LIKE.items():
        model = User.objects.get(username=model_name)
        for n in range(count):
            username = f"lt-{account}-{n:02d}"
            user, _ = User.objects.update_or_create(username=username, defaults={
                "full_name": f"压测{account}{n:02d}", "role": model.role, "region_id": model.region_id,
                "union_district": model.union_district, "password": password})
            TOTPDevice.objects.get_or_create(user=user, name="压测验证器",
                                             defaults={"key": totp_key_for(username), "confirmed": True})
    settle()
    print(f"prepared {count} staff accounts per role; demo password {DEMO_PASSWORD!r}")


def settle() -> None:
    """The database as a live one stands before its peak: statistics for the planner and nothing
    left for autovacuum. Straight after the demo's thousands of inserts, auto-analyze and vacuum
    ran during the measured rounds, and plans made without statistics until they did."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # the database's owner may; CHECKPOINT would need a superuser


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
