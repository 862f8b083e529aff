"""The retiree benchmarks' shared set-up (roster_verify, withholding_run): a unit's retirees in the
mock registries, and the unit with its agent and 社保编号 in the portal."""

import datetime
import random
from decimal import Decimal


def registry_retirees(members: int, *, seed: int, credit: str, name: str, si_number: str,
                      withholdable_share: float = 1.0, low_balance_share: float = 0.0) -> tuple:
    """The unit and `members` retirees with pension accounts (a share not withholdable, a share with
    too little in the account), not yet written; returns (unit, people)."""
    from portal.feeds.generator import GENERATED, SURNAMES, credit_code, resident_id
    from portal.feeds.models import RegistryPerson, RegistryUnit

    rng = random.Random(seed)
    code = credit_code(credit)
    unit = RegistryUnit(credit_code=code, name=name, address="上海市徐汇区", registration_authority="徐汇",
                        region_code="310104", si_number=si_number, origin=GENERATED)
    people, used = [], set()
    while len(people) < members:
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 22))
        sex = rng.choice("MF")
        number = resident_id("310104", birth, rng.randrange(450) * 2 + (1 if sex == "M" else 0))
        if number in used:
            continue
        used.add(number)
        person_name = rng.choice(SURNAMES) + rng.choice("伟芳秀英敏强磊军")
        withholdable = rng.random() < withholdable_share if withholdable_share < 1 else True
        low = low_balance_share and rng.random() < low_balance_share
        people.append(RegistryPerson(
            id_number=number, name=person_name, sex=sex, birth_date=birth, hukou_region="310104",
            hukou_address="上海", si_name=person_name, retired=True,
            retirement_month=(birth.year + 60) * 100 + birth.month, retiree_unit_id=code,
            pension_account=f"6222{len(people):015d}", pension_bank="中国工商银行", withholdable=withholdable,
            pension_balance=Decimal("120.00") if low else Decimal("4800.00"), origin=GENERATED))
    return unit, people


def portal_unit(unit, *, username: str, union_district: str = "") -> tuple:
    """The registry unit as a portal employer with its agent and its approved 社保编号; returns
    (employer, agent user, insurance code)."""
    from django.contrib.auth import get_user_model

    from employers.models import Agent, Employer
    from insurance.models import InsuranceCode
    from portal.models import Region

    region = Region.objects.get(code="310104")
    employer = Employer.objects.create(name=unit.name, credit_code=unit.credit_code, admin_region=region,
                                       fed_region=region, tax_region=region, contact_email=username,
                                       contact_phone="0", union_district=union_district)
    user = get_user_model().objects.create(username=username, role="employer_agent", email=username)
    Agent.objects.create(user=user, employer=employer, is_registrant=True)
    code = InsuranceCode.objects.create(employer=employer, code=unit.si_number, unit_name=unit.name,
                                        credit_code=unit.credit_code, economic_type="private", address="上海",
                                        postal_code="200000")
    return employer, user, code
