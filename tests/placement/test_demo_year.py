"""`make run` demo data lets an employer run the declaration year (issue 7): the Inner Mongolia
unit has every person confirmed, the demo 补报期 is open today, so its agent confirms the headcount
and files; loading the demo twice changes nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from placement import choices as c
from placement.models import AnnualDeclaration
from placement.services import declaration as declarations
from placement.window import filing_window_of
from portal.demo import UNITS

pytestmark = pytest.mark.django_db


def test_the_demo_unit_can_confirm_its_headcount_and_file(django_user_model):
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    unit = next(u for u in UNITS if u.key == "nm")
    declaration = AnnualDeclaration.objects.get(employer__credit_code=unit.credit_code, business_year=2025)
    assert declaration.persons.exclude(status=c.PersonStatus.CONFIRMED).count() == 0
    assert filing_window_of(declaration).is_open(timezone.localdate())
    agent = django_user_model.objects.get(username=unit.agent)
    declaration = declarations.headcount_prefill(declaration_id=declaration.pk)
    assert declaration.headcount_from_feed
    declarations.headcount_confirm(actor=agent, declaration=declaration, headcount=declaration.headcount_from_feed)
    declarations.declaration_submit(actor=agent, declaration=declaration, commitment_accepted=True)
    assert AnnualDeclaration.objects.get(pk=declaration.pk).status == c.DeclarationStatus.SUBMITTED
