"""The public levy API (DOMAIN.md §6): DOMAIN.md's numbers, a 400 with a message per field for
every kind of bad input, throttling and the OpenAPI schema."""

import pytest
from rest_framework.test import APIClient

from levy.api import LevyCalculateView
from portal.drf import PublicThrottle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttle")]

CALCULATE = "/api/v1/levy/calculate"
LATE_FEE = "/api/v1/levy/late-fee"
REWARD = "/api/v1/levy/over-ratio-reward"

DOMAIN_EXAMPLE = {
    "region": "310000", "data_year": 2025, "unit_kind": "enterprise",
    "monthly_headcounts": [50, 50, 51, 51, 52, 52, 52, 52, 51, 51, 50, 50],
    "wage_total": "6600000.00",
    "disabled": [{"certificate": "disability", "grade": 2, "months": 12}],
    "social_average_wage": "147684.00",
}
E7 = {
    "region": "000000", "data_year": 2025, "unit_kind": "enterprise", "headcount": "300", "wage_total": "27000000",
    "disabled": [{"certificate": "disability", "grade": 2, "months": 12},
                 {"certificate": "disability", "grade": 1, "months": 3},
                 {"certificate": "disability", "grade": 4, "months": 8}],
}


def flatten(errors) -> list[str]:
    """Messages of a field, including those DRF files under a list item's index."""
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in flatten(value)]
    return [str(m) for m in errors]


def post(url, body):
    return APIClient().post(url, body, format="json")


def test_the_domain_example_is_answered_with_every_field():
    response = post(CALCULATE, DOMAIN_EXAMPLE)
    assert response.status_code == 200
    data = response.json()
    assert {"headcount", "ratio", "disabled_count", "required_count", "shortfall", "actual_ratio", "average_wage",
            "average_wage_uncapped", "cap_applied", "gross_levy", "reduction_rule", "reduction", "levy",
            "explanation", "policy"} <= data.keys()
    assert (data["headcount"], data["ratio"], data["disabled_count"], data["required_count"]) == (51, "0.015",
                                                                                                 "2.0000", "0.7650")
    assert (data["shortfall"], data["reduction_rule"], data["levy"]) == ("-1.2350", "at_or_over_ratio", "0.00")
    assert set(data["explanation"][0]) == {"step", "formula", "value", "source"}
    assert data["policy"]["region"] == "310000" and data["policy"]["collection_year"] == 2026
    assert {"name", "value", "source", "verified"} <= set(data["policy"]["rows"][0])


def test_e7_through_the_api():
    data = post(CALCULATE, E7).json()
    assert (data["disabled_count"], data["shortfall"], data["actual_ratio"]) == ("3.1667", "1.3333", "0.0106")
    assert (data["gross_levy"], data["reduction_rule"], data["reduction"], data["levy"]) == (
        "120000.00", "tier_50", "60000.00", "60000.00")
    assert data["average_wage"] == "90000.00" and data["cap_applied"] is False


def test_e6_cap_through_the_api():
    data = post(CALCULATE, {"region": "110000", "data_year": 2025, "unit_kind": "enterprise", "headcount": "50",
                            "wage_total": "30000000.00", "social_average_wage": "120000"}).json()
    assert (data["average_wage"], data["average_wage_uncapped"], data["cap_applied"], data["levy"]) == (
        "240000.00", "600000.00", True, "162000.00")


def test_e5_exempt_through_the_api():
    data = post(CALCULATE, {"region": "310104", "data_year": 2025, "unit_kind": "enterprise",
                            "monthly_headcounts": [30] * 7 + [31] * 5, "wage_total": "2400000"}).json()
    assert (data["headcount"], data["gross_levy"], data["reduction_rule"], data["levy"]) == (
        30, "36000.00", "small_enterprise_exempt", "0.00")


@pytest.mark.parametrize("changes,field,status", [
    ({"wage_total": "-1"}, "wage_total", 400),
    ({"wage_total": "abc"}, "wage_total", 400),
    ({"wage_total": "1.234"}, "wage_total", 400),
    ({"monthly_headcounts": [50] * 11}, "monthly_headcounts", 400),
    ({"monthly_headcounts": [50] * 13}, "monthly_headcounts", 400),
    ({"monthly_headcounts": [50] * 11 + [-1]}, "monthly_headcounts", 400),
    ({"monthly_headcounts": [50] * 11 + ["x"]}, "monthly_headcounts", 400),
    ({"monthly_headcounts": "50"}, "monthly_headcounts", 400),
    ({"headcount": "50"}, "headcount", 422),  # both figures
    ({"region": "999999"}, "region", 422),  # no such region
    ({"region": "abc"}, "region", 400),
    ({"data_year": "2025年"}, "data_year", 400),
    ({"data_year": 2000}, "data_year", 400),
    ({"data_year": 2099}, "data_year", 422),  # a future year
    ({"unit_kind": "company"}, "unit_kind", 400),
    ({"social_average_wage": "0"}, "social_average_wage", 400),
    ({"social_average_wage": "-147684"}, "social_average_wage", 400),
])
def test_bad_input_gets_a_chinese_message_at_the_field(changes, field, status):
    """400 where the request breaks the schema, 422 where it is well-formed and a rule refuses it."""
    response = post(CALCULATE, {**DOMAIN_EXAMPLE, **changes})
    assert response.status_code == status
    messages = flatten(response.json()["errors"][field])
    assert messages and all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in messages)


def test_neither_headcount_nor_monthly_counts_is_a_400():
    body = {k: v for k, v in DOMAIN_EXAMPLE.items() if k != "monthly_headcounts"}
    assert post(CALCULATE, body).json()["errors"]["headcount"]


def test_missing_fields_are_named():
    data = post(CALCULATE, {}).json()["errors"]
    assert {"region", "data_year", "unit_kind", "wage_total"} <= data.keys()


@pytest.mark.parametrize("person,field,status", [
    ({"certificate": "disability", "grade": 5, "months": 12}, "grade", 422),  # a grade, not a disability grade
    ({"certificate": "disability", "grade": 0, "months": 12}, "grade", 400),
    ({"certificate": "military", "grade": 11, "months": 12}, "grade", 400),
    ({"certificate": "disability", "grade": 2, "months": 13}, "months", 400),
    ({"certificate": "disability", "grade": 2, "months": -1}, "months", 400),
    ({"certificate": "disability", "grade": "二", "months": 12}, "grade", 400),
    ({"certificate": "passport", "grade": 2, "months": 12}, "certificate", 400),
])
def test_a_bad_disabled_person_is_named_by_position_and_field(person, field, status):
    """400 where the schema already says no (the request's shape), 422 where a rule does."""
    response = post(CALCULATE, {**DOMAIN_EXAMPLE, "disabled": [DOMAIN_EXAMPLE["disabled"][0], person]})
    assert response.status_code == status
    assert field in response.json()["errors"]["disabled"]["1"]


def test_military_grades_up_to_ten_are_accepted():
    body = {**DOMAIN_EXAMPLE, "disabled": [{"certificate": "military", "grade": 10, "months": 12}]}
    assert post(CALCULATE, body).json()["disabled_count"] == "0.0000"


@pytest.mark.parametrize("paid_on,days,fee,capped", [
    ("2025-12-15", 45, "40500.00", False),  # L1
    ("2026-07-08", 250, "180000.00", True),  # L2
    ("2025-10-20", 0, "0.00", False),  # before the deadline is fine and gives 0
])
def test_late_fee(paid_on, days, fee, capped):
    response = post(LATE_FEE, {"principal": "180000.00", "deadline": "2025-10-31", "paid_on": paid_on})
    assert response.status_code == 200
    data = response.json()
    assert (data["days"], data["fee"], data["capped"]) == (days, fee, capped)


@pytest.mark.parametrize("changes,field", [
    ({"principal": "-1"}, "principal"), ({"principal": "abc"}, "principal"),
    ({"deadline": "2025-13-01"}, "deadline"), ({"paid_on": "昨天"}, "paid_on"), ({"region": "99"}, "region"),
])
def test_late_fee_bad_input(changes, field):
    body = {"principal": "180000.00", "deadline": "2025-10-31", "paid_on": "2025-12-15", **changes}
    response = post(LATE_FEE, body)
    assert response.status_code == 400 and field in response.json()["errors"]


REWARD_BODY = {"region": "150100", "data_year": 2024, "area_class": 1, "budget_funded": False, "headcount": 30,
               "disabled": [{"certificate": "disability", "grade": 3, "months": 12, "local_hukou": True}] * 2}


def test_the_domain_reward_example():
    data = post(REWARD, REWARD_BODY).json()
    assert (data["eligible"], data["required_persons"], data["excess_persons"], data["base"], data["multiplier"],
            data["reward"]) == (True, 1, 1, "2270.00", 5, "11350.00")
    assert data["reason"] and data["policy"]["rows"]


def test_r1_is_the_seeds_9900():
    assert post(REWARD, {**REWARD_BODY, "data_year": 2023}).json()["reward"] == "9900.00"


def test_a_region_without_a_reward_rule_answers_not_eligible():
    data = post(REWARD, {**REWARD_BODY, "region": "110000", "area_class": None}).json()
    assert data["eligible"] is False and data["reason"] == "本地区没有超比例奖励规则" and data["reward"] == "0.00"


def test_shanghais_reward_is_marked_an_estimate_with_fractional_persons():
    data = post(REWARD, {**REWARD_BODY, "region": "310000", "area_class": None, "headcount": 100}).json()
    assert data["eligible"] and data["estimate"] is True
    assert (data["required_persons"], data["excess_persons"]) == ("1.5000", "0.5000")


@pytest.mark.parametrize("changes,field,status", [
    ({"headcount": -1}, "headcount", 400), ({"area_class": 0}, "area_class", 400), ({"region": "1501"}, "region", 400),
    ({"region": "999999"}, "region", 422),
    ({"disabled": [{"certificate": "disability", "grade": 9, "months": 12}]}, "disabled", 422),
])
def test_reward_bad_input(changes, field, status):
    response = post(REWARD, {**REWARD_BODY, **changes})
    assert response.status_code == status and field in response.json()["errors"]


def test_the_api_is_public_for_a_signed_in_browser_too(client_for, owner):
    """No CSRF token needed: the endpoints take no authentication at all."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(LATE_FEE, {"principal": "1.00", "deadline": "2025-10-31", "paid_on": "2025-11-01"},
                           content_type="application/json")
    assert response.status_code == 200


def test_the_api_is_throttled_per_address(monkeypatch):
    assert PublicThrottle in LevyCalculateView.throttle_classes
    monkeypatch.setattr(PublicThrottle, "rate", "3/min", raising=False)
    codes = [post(LATE_FEE, {"principal": "1", "deadline": "2025-10-31", "paid_on": "2025-11-01"}).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_schema_describes_the_three_endpoints_with_their_bodies(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("/api/v1/levy/calculate", "/api/v1/levy/late-fee", "/api/v1/levy/over-ratio-reward"):
        operation = schema["paths"][path]["post"]
        assert operation["requestBody"] and {"200", "400"} <= set(operation["responses"])
        assert operation.get("security", [{}]) == [{}]  # no login
    components = schema["components"]["schemas"]
    assert {"monthly_headcounts", "disabled", "social_average_wage"} <= set(components["CalculateRequest"]["properties"])
    assert {"levy", "explanation", "policy"} <= set(components["CalculateResponse"]["properties"])
