"""page_latency (employer half): the 安置人员列表 of a declaration with 500 persons, 50 a page
(TARGETS.md). Value: the median server time of the list page (each of its ten pages in turn);
floor: the median of an authenticated empty page of the same layout (its session and user queries
only), measured in the same run, each request interleaved with a list page. Target: ≤ 5×.

Set-up (not timed): one unit, one agent, a declaration with 500 confirmed persons, each with
twelve selected months, the 7 × 12 checks of the month grid and a certificate."""

import datetime
import statistics
import time

from django.test import Client, override_settings

from bench import Result

TARGET = 5.0
PAGE = 50


def build(persons: int):
    """The unit, its agent and a declaration with `persons` confirmed persons; returns the agent."""
    from django.contrib.auth import get_user_model
    from stdnum.cn import ric

    from employers.models import Agent, Employer
    from placement import choices as c
    from placement.models import AnnualDeclaration, Certificate, MonthCheck, PlacedPerson, PlacementMonth
    from placement.years import current_business_year
    from portal.models import Region
    from portal.roles import Role

    User = get_user_model()

    region = Region.objects.get(code="310104")
    employer = Employer.objects.create(name="基准测试单位有限公司", credit_code="91310104MA1BENCH0X",
                                       admin_region=region, fed_region=region, tax_region=region,
                                       contact_email="bench@example.cn", contact_phone="0")
    user = User.objects.create_user(username="bench-agent@example.cn", password="bench-password-1",
                                    role=Role.EMPLOYER_AGENT, full_name="基准经办人")
    Agent.objects.create(user=user, employer=employer, is_registrant=True)
    declaration = AnnualDeclaration.objects.create(employer=employer, business_year=current_business_year(), headcount=1000)
    people = []
    for n in range(persons):
        body = f"310104{datetime.date(1970, 1, 1) + datetime.timedelta(days=n * 7):%Y%m%d}{n % 1000:03d}"
        people.append(PlacedPerson(
            declaration=declaration, id_number=body + ric.calc_check_digit(body + "0"), name=f"人员{n:04d}",
            sex="M", birth_date=datetime.date(1980, 1, 1), hukou_type="local", hukou_address="上海市徐汇区",
            phone="13800000000", retirement_category="M", status=c.PersonStatus.CONFIRMED,
            confirmed_by=c.ConfirmedBy.SYSTEM, registered_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)))
    PlacedPerson.objects.bulk_create(people, batch_size=500)
    ids = list(PlacedPerson.objects.filter(declaration=declaration).values_list("pk", "id_number"))
    PlacementMonth.objects.bulk_create([PlacementMonth(person_id=pk, month=m, selected=True)
                                        for pk, _ in ids for m in range(1, 13)], batch_size=5000)
    MonthCheck.objects.bulk_create([MonthCheck(person_id=pk, month=m, item=check, outcome=c.Outcome.OK)
                                    for pk, _ in ids for m in range(1, 13) for check in c.Check], batch_size=5000)
    Certificate.objects.bulk_create([
        Certificate(person_id=pk, number=number + "42", kind="disability", category=4, grade=2,
                    valid_from=datetime.date(2020, 1, 1), source="registry") for pk, number in ids], batch_size=1000)
    return user


def _medians(client: Client, urls: list[str], floor_url: str, rounds: int) -> tuple[float, float]:
    """Median times of the list pages and of the floor page, measured interleaved (a list page,
    then the floor page) so that load on a shared machine weighs on both alike."""
    for url in [*urls, floor_url]:  # warm the template and URL caches
        assert client.get(url).status_code == 200, url
    pages, floors = [], []
    for _ in range(rounds):
        for url in urls:
            for target, timings in ((url, pages), (floor_url, floors)):
                started = time.perf_counter()
                response = client.get(target)
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200, target
    return statistics.median(pages), statistics.median(floors)


def run(smoke: bool = False) -> list[Result]:
    persons = 60 if smoke else 500
    rounds = 1 if smoke else 5
    with override_settings(ROOT_URLCONF="bench.urls"):
        user = build(persons)
        client = Client()
        client.force_login(user)
        pages = [f"/placement/?page={p}" for p in range(1, persons // PAGE + 1)]
        value, floor = _medians(client, pages, "/bench/empty/", rounds)
    return [Result(name="page_latency", value=value * 1000, floor=floor * 1000, unit="ms", target=TARGET,
                   note=f"half=employer persons={persons} per_page={PAGE}")]
