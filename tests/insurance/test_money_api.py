"""/api/v1/insurance/batches/{id}/amounts/ and …/members/ (issue 19): the same figures as the pages,
masked document numbers, another unit's batch a 404, and a list whose queries do not grow with rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.insurance.factories import MemberFactory
from tests.insurance.test_money import submitted, withheld  # noqa: F401


def test_the_amounts_follow_the_withholding(withheld, sh_agent, other_agent, client_for):  # noqa: F811
    url = reverse("api_insurance_amounts", args=[withheld.pk])
    data = client_for(sh_agent).get(url).json()
    assert (data["members"], data["withheld"], data["withholding_failed"]) == (4, 2, 2)
    assert (data["total"], data["withheld_total"], data["unit_due"]) == ("1800.00", "600.00", "1200.00")
    assert data["unit_paying_members"] == 4 and data["problems"]
    assert client_for(other_agent).get(url).status_code == 404


def test_the_members_are_masked_and_paged_without_extra_queries(withheld, sh_agent, client_for):  # noqa: F811
    client = client_for(sh_agent)
    url = reverse("api_insurance_members", args=[withheld.pk])
    data = client.get(url).json()
    assert data["count"] == 4
    first = data["results"][0]
    assert "*" in first["id_number"] and first["withholding_result"] in ("withheld", "insufficient", "invalid")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(20):
        MemberFactory(batch=withheld, passed=True)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    assert client.get(url, {"page_size": "0"}).status_code == 400
