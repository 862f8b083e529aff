"""page_latency (staff half): the reviewer's 安置登记审核 queue with 5,000 persons 待审核, 50 a page,
against an authenticated page of the same layout with no content (its session, user, menu and
notice-count queries only). Median server time through the whole middleware stack (TARGETS.md:
ratio ≤ 5).

Set-up (not timed): one Shanghai unit with 5,000 registered persons 待审核, each with its twelve
months, three selected, and a failed social-insurance check; a reviewer of Shanghai with TOTP.
Timed: GET of the queue's first page and of its 60th page (the paginator's OFFSET), alternating
with the empty page so that both see the same machine."""

import datetime
import os
import statistics
import time

from django.http import HttpResponse
from django.template import RequestContext, Template
from django.test import Client
from django.test.utils import override_settings
from django.urls import include, path

from bench import Result
from portal.access import roles_required
from portal.roles import FEDERATION

TARGET = 5.0
_EMPTY = Template('{% extends "base.html" %}{% block title %}空白页{% endblock %}{% block content %}{% endblock %}')


@roles_required(FEDERATION)
def empty_page(request):
    """The floor: the same layout, the same authentication, nothing in it."""
    return HttpResponse(_EMPTY.render(RequestContext(request, {})))


urlpatterns = [
    path("bench/empty/", empty_page, name="bench_empty"),
    path("", include("portal.urls")),
]


def _resident_id(n: int) -> str:
    """A valid resident ID number, distinct for each n (birth dates walk from 1970)."""
    from stdnum.cn import ric

    birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 1000)
    body = f"310104{birth:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def build(persons: int):
    """The unit, its persons 待审核 and a logged-in reviewer's client (not timed)."""
    from django.utils import timezone

    from employers.models import Employer
    from placement import choices as c
    from placement.models import AnnualDeclaration, MonthCheck, PlacedPerson, PlacementMonth
    from portal.models import Region
    from tests import factories as f
    from tests.conftest import login

    region = Region.objects.get(code="310104")
    employer = Employer.objects.create(name="上海基准测试有限公司", credit_code=f.credit_code(77), admin_region=region,
                                       fed_region=region, tax_region=region, contact_email="b@example.cn",
                                       contact_phone="0")
    declaration = AnnualDeclaration.objects.create(employer=employer, business_year=2025)
    now = timezone.now()
    people = [
        PlacedPerson(declaration=declaration, id_number=_resident_id(i), name=f"基准人员{i}", sex="M",
                     birth_date=datetime.date(1985, 1, 1), hukou_type="local", hukou_address="上海市",
                     phone="13800000000", retirement_category="M", status=c.PersonStatus.PENDING_REVIEW,
                     registered_at=now - datetime.timedelta(minutes=i))
        for i in range(persons)
    ]
    PlacedPerson.objects.bulk_create(people, batch_size=1000)
    ids = list(PlacedPerson.objects.filter(declaration=declaration).values_list("pk", flat=True))
    PlacementMonth.objects.bulk_create(
        [PlacementMonth(person_id=pk, month=m, selected=m in (3, 4, 5)) for pk in ids for m in range(1, 13)],
        batch_size=5000)
    MonthCheck.objects.bulk_create(
        [MonthCheck(person_id=pk, month=4, item=c.Check.SOCIAL_INSURANCE, outcome=c.Outcome.FAIL,
                    reason="该月无社保缴费记录") for pk in ids], batch_size=5000)
    reviewer = f.UserFactory(reviewer=True, region=Region.objects.get(code="310000"), full_name="基准审核员")
    return login(Client(), reviewer)


def _median_ms(client, url: str, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def run(smoke: bool = False) -> list[Result]:
    persons = 120 if smoke else int(os.environ.get("BENCH_QUEUE_PERSONS", 5000))
    rounds = 3 if smoke else int(os.environ.get("BENCH_ROUNDS", 15))
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        client = build(persons)
        queue, last = "/backoffice/persons/", f"/backoffice/persons/?page={max(1, persons // 50 - 40)}"
        empty = "/bench/empty/"
        for url in (queue, last, empty):
            _median_ms(client, url, 2)  # warm caches, templates and the session
        page_times, empty_times = [], []
        for _ in range(rounds):  # interleaved: both see the same moment of a shared machine
            page_times += _median_ms(client, queue, 1) + _median_ms(client, last, 1)
            empty_times += _median_ms(client, empty, 1)
        body = client.get(queue).content.decode()
        assert body.count("基准人员") >= 50 and "社保参保状态" in body
    value, floor = statistics.median(page_times), statistics.median(empty_times)
    return [Result("page_latency", value, floor, "ms", TARGET,
                   note=f"half=staff persons={persons} per_page=50")]
