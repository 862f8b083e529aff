"""Who uses the portal. Roles decide which pages a user may open (403 otherwise); regions decide
which objects they may see (404 otherwise)."""

from django.db import models


class Role(models.TextChoices):
    EMPLOYER_AGENT = "employer_agent", "用人单位经办人"
    FED_REVIEWER = "fed_reviewer", "残联业务人员"
    FED_SUPERVISOR = "fed_supervisor", "残联业务主管"
    TAX_OFFICER = "tax_officer", "税务人员"
    UNION_ADMIN = "union_admin", "职保会管理员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


EMPLOYER = frozenset({Role.EMPLOYER_AGENT})
FEDERATION = frozenset({Role.FED_REVIEWER, Role.FED_SUPERVISOR})
SUPERVISOR = frozenset({Role.FED_SUPERVISOR})
TAX = frozenset({Role.TAX_OFFICER})
UNION = frozenset({Role.UNION_ADMIN})
ADMIN = frozenset({Role.SYSTEM_ADMIN})
STAFF = FEDERATION | TAX | UNION | ADMIN
EVERYONE = EMPLOYER | STAFF

# Staff idle out sooner than employers (checklist B4).
def is_staff_role(role: str) -> bool:
    return role in STAFF
