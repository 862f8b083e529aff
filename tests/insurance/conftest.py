"""Retiree-plan fixtures: the demo registries, the Shanghai demo unit (in 徐汇区总工会) with an
approved code and its agent, a colleague, an outsider, union staff of its district and of another."""

import pytest

from portal.demo import UNITS
from portal.feeds.demo import load_registry
from tests import factories as f
from tests.insurance.factories import CodeFactory


@pytest.fixture
def registry(db):
    load_registry()


@pytest.fixture
def sh_unit(registry):
    unit = next(u for u in UNITS if u.key == "sh")
    return f.EmployerFactory(name=unit.name, credit_code=unit.credit_code, admin_region=f.region(unit.region),
                             union_district="徐汇区总工会")


@pytest.fixture
def sh_code(sh_unit):
    return CodeFactory(employer=sh_unit, code="31000023")


@pytest.fixture
def sh_agent(sh_unit):
    return f.AgentFactory(employer=sh_unit, user__full_name="王丽华").user


@pytest.fixture
def sh_colleague(sh_unit):
    return f.AgentFactory(employer=sh_unit, is_registrant=False, user__full_name="陈思远").user


@pytest.fixture
def other_unit(db):
    return f.EmployerFactory(name="上海黄浦某某有限公司", admin_region=f.region("310101"), union_district="黄浦区总工会")


@pytest.fixture
def other_agent(other_unit):
    return f.AgentFactory(employer=other_unit).user


@pytest.fixture
def union_xh(db):
    return f.UserFactory(union=True, region=f.region("310000"), union_district="徐汇区总工会", full_name="徐汇职保会")


@pytest.fixture
def union_hp(db):
    return f.UserFactory(union=True, region=f.region("310000"), union_district="黄浦区总工会", full_name="黄浦职保会")
