"""Tax hand-off fixtures: certified declarations in Shanghai and Liaoning, and the staff who see them."""

import pytest

from tests import factories as f
from tests.placement.factories import DeclarationFactory


@pytest.fixture
def certified(unit_a):
    return DeclarationFactory(employer=unit_a, certified=True, persons=2)


@pytest.fixture
def certified_ln(unit_b):
    return DeclarationFactory(employer=unit_b, certified=True)


@pytest.fixture
def tax_ln(db):
    return f.UserFactory(tax=True, region=f.region("210000"), full_name="辽宁税务")
