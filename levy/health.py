"""The policy check on the administrator's 运行状态 page: regions in use whose parameters for the
next collection year are missing (the same check as `manage.py levy_check_policy`)."""

from levy.selectors import next_collection_year, policy_gaps
from portal.health import health_section


@health_section
def policy_table_section() -> dict:
    year = next_collection_year()
    return {"template": "levy/health_policy.html", "year": year, "gaps": policy_gaps(year)}
