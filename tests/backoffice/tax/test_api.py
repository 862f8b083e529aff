"""GET /api/v1/tax/certified-results: system tokens per tax region, 401 without a good one, never
a unit outside the token's region, paginated and filtered, in the schema."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from levy.models import CertifiedFigures
from portal.tokens import token_issue, token_revoke
from tests import factories as f
from tests.placement.factories import DeclarationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/tax/certified-results"


@pytest.fixture
def sh_key(admin_user):
    return token_issue(actor=admin_user, name="上海市税务局", region=f.region("310000"))


def call(key=None, **params):
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client.get(URL, params)


def test_the_route_is_the_documented_one():
    assert reverse("api_tax_certified_results") == URL


@pytest.mark.parametrize("header", [None, "tx_wrong", "not-even-a-token"])
def test_a_missing_or_wrong_token_is_401(header, certified):
    response = call(header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(sh_key, admin_user, certified):
    token, key = sh_key
    token_revoke(actor=admin_user, token=token)
    assert call(key).status_code == 401


def test_a_token_sees_only_units_whose_tax_region_lies_in_its_region(sh_key, certified, certified_ln):
    _token, key = sh_key
    response = call(key)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    result = body["results"][0]
    assert result["credit_code"] == certified.employer.credit_code
    assert result["disabled_count"] == "4.00" and result["disabled_exact"] == "4/1"
    assert result["certificate_reference"] == certified.certificate.reference
    assert result["tax_region"] == "310104"
    assert call(key, region="210102").json()["count"] == 0  # asking for another region gives nothing


def test_a_unit_that_moved_its_tax_region_out_leaves_the_tokens_view(sh_key, certified):
    _token, key = sh_key
    type(certified.employer).objects.filter(pk=certified.employer.pk).update(tax_region=f.region("210102"))
    assert call(key).json()["count"] == 0


def test_filters_by_year_region_and_update_time(sh_key, unit_a):
    _token, key = sh_key
    old = DeclarationFactory(employer=unit_a, business_year=2024, certified=True)
    new = DeclarationFactory(employer=f.EmployerFactory(admin_region=f.region("310101")), certified=True)
    CertifiedFigures.objects.filter(employer=old.employer, business_year=2024).update(
        recorded_at=timezone.now() - datetime.timedelta(days=30), updated_at=timezone.now() - datetime.timedelta(days=30))
    assert call(key, year=2024).json()["count"] == 1
    assert [r["credit_code"] for r in call(key, region="310101").json()["results"]] == [new.employer.credit_code]
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert call(key, updated_since=since).json()["count"] == 1
    assert call(key, updated_since="yesterday").status_code == 400
    assert call(key, year="abc").status_code == 400


def test_results_are_paginated_and_the_query_count_does_not_grow(sh_key, django_assert_num_queries):
    _token, key = sh_key
    for _ in range(3):
        DeclarationFactory(employer=f.EmployerFactory(), certified=True)
    body = call(key, page_size=2).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    with django_assert_num_queries(4):  # token, last used, count, page
        call(key, page_size=2)
    for _ in range(5):
        DeclarationFactory(employer=f.EmployerFactory(), certified=True)
    with django_assert_num_queries(4):
        call(key, page_size=8)


def test_a_signed_in_tax_officer_may_call_it_and_other_roles_may_not(client_for, tax_sh, reviewer_sh, certified):
    assert client_for(tax_sh).get(URL).status_code == 200
    assert client_for(reviewer_sh).get(URL).status_code == 403


def test_it_is_in_the_schema(admin_user, client_for):
    schema = client_for(admin_user).get(reverse("api_schema")).content.decode()
    assert "/api/v1/tax/certified-results" in schema and "updated_since" in schema


def test_a_cancelled_result_is_returned_as_cancelled_since_its_cancellation(sh_key, unit_a, admin_user):
    """Regression (issue 14, point 3): a reopened result disappeared from the API, also with
    updated_since, so a tax system never learnt it was withdrawn."""
    from levy.services import certified_figures_cancel

    _token, key = sh_key
    declaration = DeclarationFactory(employer=unit_a, certified=True)
    CertifiedFigures.objects.filter(employer=unit_a).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert call(key, updated_since=since).json()["count"] == 0
    certified_figures_cancel(employer=unit_a, business_year=declaration.business_year, actor=admin_user,
                             reason="年审申报撤回：人数有误")
    [result] = call(key, updated_since=since).json()["results"]
    assert (result["state"], result["cancel_reason"]) == ("cancelled", "年审申报撤回：人数有误")
    assert call(key, state="active").json()["count"] == 0


@pytest.mark.parametrize("since,count", [
    ("2000-01-01T07:55:40+21:02", 1),  # RFC 3339 allows ±23:59; PostgreSQL refused above ±15:59 (a 500)
    ("0001-01-01T00:00:00+05:00", 1),  # before year 1 in UTC: the calendar's start
    ("9999-12-31T23:59:59-05:00", 0),  # after 9999 in UTC: the calendar's end
])
def test_any_offset_the_schema_allows_is_read(sh_key, certified, since, count):
    """schemathesis found these on PostgreSQL only; the levy API reads updated_since the same way."""
    _token, key = sh_key
    response = call(key, updated_since=since)
    assert response.status_code == 200 and response.json()["count"] == count
    levy = APIClient()
    levy.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert levy.get("/api/v1/tax/levy-assessments", {"updated_since": since}).status_code == 200
