"""portal.links.url_for: a route reversed once a page gives every row the URL reverse() would."""

import pytest
from django.urls import reverse

from portal.links import url_for


@pytest.mark.parametrize("name", ["backoffice:person_review", "backoffice:unit_overview", "tax:result_detail",
                                  "tax:result_certificate", "placement:record", "placement:step3"])
@pytest.mark.parametrize("pk", [1, 42, 987654321, 10**12])
def test_a_row_gets_the_url_reverse_gives(name, pk):
    assert url_for(name)(pk) == reverse(name, kwargs={"pk": pk})
