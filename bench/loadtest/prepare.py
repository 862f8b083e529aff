"""Run by bench.loadtest before the load: the demo, staff accounts of its own for each simulated
staff member (a TOTP code is accepted once, so two sessions cannot share an account), and the work
the peak round's two actions do: persons at step ③ for the agents' uploads and persons 待审核 for
the reviewers' decisions."""

import datetime
import os
import sys
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.loadtest.settings")
import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from employers.models import Employer  # noqa: E402
from employers.services import employer_register  # noqa: E402
from placement.demo import YEAR, _add  # noqa: E402
from placement.services import wizard  # noqa: E402
from placement.services.declaration import declaration_open  # noqa: E402
from portal.demo import DEMO_PASSWORD, UNITS, totp_key_for  # noqa: E402
from portal.feeds import generator  # noqa: E402
from portal.feeds.demo import DemoPerson, Oddity, current_month  # noqa: E402
from portal.feeds.models import Certificate, RegistryPerson, RegistryUnit  # noqa: E402
from portal.models import Region, User  # noqa: E402

# Each simulated role copies a demo account's role and region.
LIKE = {"reviewer": "reviewer-sh", "tax": "tax-sh", "union": "union-sh"}

# The peak round (75 s, 50 users) has about 12 reviewers deciding a person every ~20 s and about 12
# agents uploading every ~30 s: some 45 decisions and 30 uploads (a measured round: 47 and 25).
PENDING = 80  # 待审核 in Shanghai, the lt-reviewers' region; each takes ~0.5 s to prepare
AT_STEP3 = 8  # per agents' unit (sh, nm, ln; ln2's year is filed): an upload leaves its person at step ③
# The unit whose persons wait for the reviewers: a Shanghai unit of its own, so that the agents' lists
# stay the size the saturation rounds measured. (The reviewers' 安置登记审核 does grow: its first page
# now lists 50 persons, not the demo's 9.)
QUEUE_UNIT = ("上海压测样本服务有限公司", generator.credit_code("91310104MA1LT0Q1C"), "310104",
              "lt-agent-sh@loadtest.cn")


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
    add_work()
    settle()
    print(f"prepared {count} staff accounts per role, {AT_STEP3} persons at step ③ in each agents' unit and "
          f"{PENDING} waiting for review; demo password {DEMO_PASSWORD!r}")


def add_work() -> None:
    """The persons the two actions work on, added as the demo adds its own (placement.demo's `_add`:
    the wizard's services with the registries' real answers): each misses social insurance in
    2025-03 and 2025-04, so step ③ asks for 社会保险缴费凭证. Idempotent."""
    for n, key in enumerate(("sh", "nm", "ln")):
        unit = next(u for u in UNITS if u.key == key)
        employer = Employer.objects.get(credit_code=unit.credit_code)
        agent = User.objects.get(username=unit.agent)
        first_birth = datetime.date(1991, 1, 1) + datetime.timedelta(days=40 * n)
        for info in registry_people(employer, AT_STEP3, first_birth):
            _register(employer, agent, info, "step3")
    employer, agent = queue_unit()
    for info in registry_people(employer, PENDING, datetime.date(1992, 1, 1)):
        _register(employer, agent, info, "evidence")


def queue_unit() -> tuple[Employer, User]:
    """The Shanghai unit of the persons waiting for review, registered as an agent registers one."""
    name, code, region, email = QUEUE_UNIT
    employer = Employer.objects.filter(credit_code=code).first()
    if employer is None:
        employer_register(name=name, credit_code=code, region=Region.objects.get(code=region), email=email,
                          phone="021-64879999", password=DEMO_PASSWORD, full_name="压测经办人")
        employer = Employer.objects.get(credit_code=code)
    generator.Writer(ignore_conflicts=True).write([RegistryUnit(
        credit_code=code, name=name, address="上海市徐汇区示范路99号", region_code=region, si_number="31069999",
        registration_authority="上海市徐汇区市场监督管理局")])
    return employer, User.objects.get(username=email)


def registry_people(employer: Employer, count: int, first_birth: datetime.date) -> list[DemoPerson]:
    """`count` employees of the unit as the registries know them (like the demo's 李秀英, sh-gap):
    a certificate, wages and medical insurance every month, social insurance but for 2025-03 and -04."""
    rows, people = [], []
    region, surnames, given = employer.admin_region_id, generator.SURNAMES, generator.GIVEN
    for n in range(count):
        birth, sex = first_birth + datetime.timedelta(days=n), "MF"[n % 2]
        # born 1991–92 with order code 880/881: no demo person (900 and up, or born before 1963) has the number
        id_number = generator.resident_id(region, birth, 880 + (sex == "M"))
        name = surnames[n % len(surnames)] + given[n * 7 % len(given)] + given[n * 3 % len(given)]
        job = generator.Job(employer.credit_code, generator.FIRST_MONTH, current_month(), Decimal("6300.00"),
                            si_missing=frozenset({202503, 202504}))
        rows += [
            RegistryPerson(id_number=id_number, name=name, sex=sex, birth_date=birth, hukou_region=region,
                           hukou_address=f"示范路{n + 1}号", si_name=name),
            Certificate(number=generator.certificate_number(id_number, 4, 3), person_id=id_number,
                        kind="disability", category=4, grade=3, valid_from=datetime.date(2020, 5, 1),
                        valid_to=datetime.date(2030, 4, 30)),
            *job.rows(id_number),
        ]
        people.append(DemoPerson(f"lt-{n}", "", "employee", id_number, name, (Oddity.CONTRIBUTION_GAP,),
                                 "2025年3月、4月无社保缴费记录"))
    generator.Writer(ignore_conflicts=True).write(rows)
    return people


def _register(employer: Employer, agent: User, info: DemoPerson, plan: str) -> None:
    """"evidence": the demo's plan (months declared, material uploaded, 待审核); "step3": months
    declared, nothing uploaded yet."""
    declaration = declaration_open(employer=employer, business_year=YEAR)
    if wizard.person_find(declaration, info.id_number):
        return  # idempotent
    with transaction.atomic():
        _add(declaration, agent, info, "grid" if plan == "step3" else plan)
    if plan == "step3":
        wizard.months_select(actor=agent, person=wizard.person_find(declaration, info.id_number),
                             months=set(range(1, 13)))


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
