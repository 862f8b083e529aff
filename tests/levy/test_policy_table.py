"""The policy table: seeded rows, lookup from the county up to the national default, the
collection year, minimum wages by area class and date, filing windows, edits with history, and
the check for missing parameters (health page and management command)."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from levy.models import AreaClass, FilingWindow, MinimumWage, PolicyRule, SocialAverageWage
from levy.rules import NATIONAL_WEIGHT_RULE, parse_value
from levy.selectors import (
    PolicyMissing,
    RegionRules,
    filing_window,
    minimum_wage,
    policy_for,
    policy_gaps,
)
from levy.services import POLICY_CHANGE, policy_row_delete, policy_row_save
from portal.exceptions import ValidationFailed
from portal.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

SEEDED_REGIONS = ["000000", "110000", "310000", "120000", "440000", "330000", "210000", "150000", "320000",
                  "410000", "510000"]


def test_the_seed_covers_the_regions_of_the_issue_with_a_source_for_every_row():
    assert set(PolicyRule.objects.filter(name="ratio").values_list("region_code", flat=True)) >= set(SEEDED_REGIONS)
    for model in (PolicyRule, SocialAverageWage, MinimumWage, AreaClass, FilingWindow):
        assert model.objects.exists() and not model.objects.filter(source="").exists()
    for row in PolicyRule.objects.all():
        row.full_clean()  # every seeded value parses and no two rows overlap


def test_unverified_samples_are_marked():
    assert not SocialAverageWage.objects.filter(verified=True).exists()
    assert not PolicyRule.objects.get(region_code="310000", name="over_ratio_reward").verified
    assert PolicyRule.objects.get(region_code="150000", name="over_ratio_reward").verified


def test_the_seeded_national_weight_rule_is_the_engines_default():
    row = PolicyRule.objects.get(region_code="000000", name="weight_rule")
    assert parse_value("weight_rule", row.value) == NATIONAL_WEIGHT_RULE


def test_lookup_goes_from_the_county_to_the_province_and_then_the_national_default():
    assert policy_for("410105", 2026).rows["ratio"].region_code == "410000"  # 郑州市金水区 → 河南省
    assert policy_for("410105", 2026).rows["late_fee"].region_code == "000000"
    county = PolicyRule(region_code="410105", name="ratio", first_year=2026, value="0.017", source="测试")
    policy_row_save(row=county, actor=None)  # a county row overrides its province
    assert policy_for("410105", 2026).ratio == Fraction(17, 1000)
    assert policy_for("410102", 2026).ratio == Fraction(16, 1000)


def test_the_policy_in_force_is_chosen_by_the_collection_year():
    assert policy_for("000000", 2017).wage_cap_multiplier == 3
    assert policy_for("000000", 2018).wage_cap_multiplier == 2
    assert policy_for("000000", 2019).relief.tiers == ()
    assert policy_for("000000", 2027).relief.tiers[0].code == "tier_50"
    assert policy_for("000000", 2028).relief is None


def test_the_social_average_wage_is_the_data_years():
    assert policy_for("310104", 2026).social_average_wage == Decimal("147684.00")  # data year 2025
    assert policy_for("310104", 2024).social_average_wage is None  # data year 2023: none entered


def test_an_unknown_region_is_a_field_error():
    with pytest.raises(ValidationFailed) as error:
        policy_for("999999", 2026)
    assert error.value.field == "region"


def test_a_missing_required_parameter_is_named():
    PolicyRule.objects.filter(name="late_fee").delete()
    with pytest.raises(PolicyMissing, match="滞纳金"):
        policy_for("310104", 2026)


def test_a_regions_weight_rule():
    assert RegionRules("310104", 2026).weight_rule == NATIONAL_WEIGHT_RULE


@pytest.mark.parametrize("region,year,month,amount", [
    ("150102", 2024, 11, "1980"), ("150102", 2024, 12, "2270"),  # 一类 via the county's own class row
    ("310104", 2025, 6, "2690"), ("310104", 2025, 7, "2740"),
    ("440305", 2025, 1, "2360"),  # Shenzhen's own figure
])
def test_minimum_wage_in_force_on_the_first_of_the_month(region, year, month, amount):
    assert minimum_wage(region, year, month) == Decimal(amount)


def test_an_area_class_row_decides_which_class_a_county_gets():
    code = "150121"  # 土默特左旗: no class of its own yet
    with pytest.raises(PolicyMissing):
        minimum_wage(code, 2025, 1)
    policy_row_save(row=AreaClass(region_code=code, area_class=2, effective_from=datetime.date(2021, 12, 1),
                                  source="测试"), actor=None)
    assert minimum_wage(code, 2025, 1) == Decimal("2200")


def test_filing_windows_by_region_and_year():
    assert filing_window("110105", 2025) == (datetime.date(2026, 3, 1), datetime.date(2026, 10, 31))
    assert filing_window("310104", 2025) == (datetime.date(2026, 3, 16), datetime.date(2026, 10, 31))
    assert filing_window("310104", 2026) == (datetime.date(2027, 3, 1), datetime.date(2027, 10, 31))
    assert filing_window("110105", 2025, "payment") == (datetime.date(2026, 8, 1), datetime.date(2026, 9, 30))
    # issue 16: Shanghai, Inner Mongolia and a national default have payment windows
    assert filing_window("310104", 2025, "payment") == (datetime.date(2026, 8, 19), datetime.date(2026, 11, 30))
    assert filing_window("150102", 2025, "payment") == (datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))
    assert filing_window("210102", 2025, "payment") == (datetime.date(2026, 8, 1), datetime.date(2026, 11, 30))


# --- edits with history -------------------------------------------------------------------------


def test_an_edit_is_audited_old_to_new(admin_user):
    row = PolicyRule.objects.get(region_code="410000", name="ratio")
    row.value = "0.017"
    policy_row_save(row=row, actor=admin_user, reason="按新文件调整")
    entry = AuditEntry.objects.get(action=POLICY_CHANGE)
    assert (entry.from_state, entry.to_state, entry.reason) == ("0.016", "0.017", "按新文件调整")
    assert entry.data["changes"] == {"value": ["0.016", "0.017"]} and entry.actor == admin_user


def test_saving_an_unchanged_row_writes_no_entry(admin_user):
    policy_row_save(row=PolicyRule.objects.get(region_code="410000", name="ratio"), actor=admin_user)
    assert not AuditEntry.objects.filter(action=POLICY_CHANGE).exists()


def test_a_deletion_keeps_the_last_values(admin_user):
    row = MinimumWage.objects.get(region_code="310000", effective_from=datetime.date(2025, 7, 1))
    policy_row_delete(row=row, actor=admin_user, reason="录入错误")
    entry = AuditEntry.objects.get(action=POLICY_CHANGE)
    assert entry.to_state == "已删除" and entry.data["deleted"]["amount"] == "2740.00"


@pytest.mark.parametrize("row,field", [
    (PolicyRule(region_code="410000", name="ratio", first_year=2030, value="1.6", source="x"), "value"),
    (PolicyRule(region_code="410000", name="ratio", first_year=2024, value="0.016", source="x"), "first_year"),
    (PolicyRule(region_code="410000", name="relief", first_year=2030, value={"tiers": []}, source="x"), "value"),
    (PolicyRule(region_code="999999", name="ratio", first_year=2030, value="0.016", source="x"), "region_code"),
    (PolicyRule(region_code="410000", name="ratio", first_year=2030, last_year=2029, value="0.016", source="x"),
     "last_year"),
    (MinimumWage(region_code="410000", effective_from=datetime.date(2030, 1, 1), amount=0, source="x"), "amount"),
    (FilingWindow(region_code="410000", kind="payment", first_year=2030, opens="09-01", closes="08-01",
                  source="x"), "closes"),
    (FilingWindow(region_code="410000", kind="payment", first_year=2030, opens="13-01", closes="08-01",
                  source="x"), "opens"),
])
def test_the_table_refuses_a_row_the_engine_cannot_use(row, field, admin_user):
    with pytest.raises(ValidationError) as error:
        policy_row_save(row=row, actor=admin_user)
    assert field in error.value.message_dict


def test_administrators_edit_the_table_in_the_admin_with_a_reason(client_for, admin_user):
    row = PolicyRule.objects.get(region_code="510000", name="ratio")
    client = client_for(admin_user)
    url = f"/gov-admin/levy/policyrule/{row.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "川财规〔2021〕5号" in page.content.decode()
    response = client.post(url, {
        "region_code": "510000", "name": "ratio", "first_year": 2021, "last_year": "", "value": '"0.015"',
        "source": row.source, "verified": "on", "note": "", "change_reason": "核对原文",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action=POLICY_CHANGE)
    assert (entry.from_state, entry.to_state, entry.reason) == ("0.016", "0.015", "核对原文")
    assert "核对原文" in client.get(url).content.decode()  # the row's history on its page


def test_the_admin_lists_every_policy_table(client_for, admin_user):
    client = client_for(admin_user)
    for name in ("policyrule", "socialaveragewage", "minimumwage", "areaclass", "filingwindow", "certifiedfigures"):
        assert client.get(f"/gov-admin/levy/{name}/").status_code == 200


# --- the check ----------------------------------------------------------------------------------


def test_the_check_reports_regions_in_use_with_missing_parameters():
    f.EmployerFactory(admin_region=f.region("310104"))
    f.EmployerFactory(admin_region=f.region("150121"))  # no area class: no minimum wage
    gaps = policy_gaps(2026)
    assert {g.region_code for g in gaps} == {"150121"}
    assert any("最低工资" in g.message for g in gaps) and any("社会平均工资" in g.message for g in gaps)
    next_year = {(g.region_code, g.message) for g in policy_gaps(2027)}
    assert ("310104", "缺少2026年度社会平均工资（年平均工资无法按倍数封顶）") in next_year


def test_the_command_exits_non_zero_when_parameters_are_missing(capsys):
    f.EmployerFactory(admin_region=f.region("310104"))
    call_command("levy_check_policy", "--year", "2026")
    assert "齐全" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("levy_check_policy", "--year", "2027")
    assert "310104" in capsys.readouterr().out


def test_the_health_page_shows_the_check(client_for, admin_user):
    f.EmployerFactory(admin_region=f.region("150121"))
    page = client_for(admin_user).get("/console/health/").content.decode()
    assert "残保金政策参数" in page and "150121" in page


@pytest.mark.parametrize("region", ["310104", "150102", "210102", "110101", "440305"])
def test_the_weight_rule_and_ratio_read_alone_are_the_policys(region):
    """RegionRules gives the ratio and the weight rule from the rule rows without the whole policy
    (首页 and the lists ask on every page: issue 20); they must agree with the whole policy, a
    region's own row included."""
    from levy.models import PolicyRule
    from levy.seed import WEIGHT_RULE
    from levy.selectors import RegionRules, policy_for

    rules = RegionRules(region, 2026)
    assert (rules.weight_rule, rules.ratio) == (policy_for(region, 2026).weight_rule, policy_for(region, 2026).ratio)
    PolicyRule.objects.create(region_code=region[:2] + "0000", name="weight_rule", first_year=2026,
                              value={**WEIGHT_RULE, "severe_weight": 3}, source="测试")
    rules = RegionRules(region, 2026)  # one per request: a new one reads the new row
    assert rules.weight_rule == policy_for(region, 2026).weight_rule
    assert rules.weight_rule.severe_weight == 3


@pytest.mark.parametrize("prefix,assessment,headcount,disabled,levy,basis", [
    # (1000 × 1.5% − 4) × 社平 147,684 × 90% (below 1%: 90% is paid)
    ("91", None, 1000, 4, "1462071.60", "按2025年社会平均工资147684.00元/人估算"),
    # the declared wage bill 20,000,000 over 1000: (15 − 4) × 20,000 × 90%
    ("91", {"declared_wage_total": Decimal("20000000")}, 1000, 4, "198000.00", "按单位申报的上年工资总额"),
    ("91", None, 25, 0, "0.00", "按2025年社会平均工资"),  # an enterprise of at most 30 is exempt
    # an objection found the unit is not a registered enterprise: counted as a social organisation,
    # no exemption: 25 × 1.5% × 147,684 × 90%
    ("91", {"is_business_registered": False}, 25, 0, "49843.35", "按2025年社会平均工资"),
    ("52", "unit not registered", 25, 0, "49843.35", "按2025年社会平均工资"),  # before any assessment
])
def test_the_levy_a_certification_implies(prefix, assessment, headcount, disabled, levy, basis):
    """Issue 15 (15): the reviewer's 认证汇总 prices the shortfall with the unit kind the assessment
    uses (levy.rules.assessment.unit_kind, corrected by an objection), not the credit code alone."""
    from levy.models import LevyAssessment
    from levy.selectors import implied_levy

    employer = f.EmployerFactory(credit_code=f.credit_code(77, prefix=prefix),
                                 is_business_registered=assessment != "unit not registered")
    if isinstance(assessment, dict):
        LevyAssessment.objects.create(employer=employer, collection_year=2026, method="declared", **assessment)
    implied = implied_levy(employer=employer, business_year=2025, headcount=headcount, disabled_count=disabled)
    assert implied.result.levy == Decimal(levy)
    assert implied.wage_basis.startswith(basis) and implied.missing == ""


def test_without_a_wage_bill_or_a_social_average_wage_the_levy_says_what_is_missing():
    from levy.selectors import implied_levy

    employer = f.EmployerFactory(admin_region=f.region("210102"))
    implied = implied_levy(employer=employer, business_year=2025, headcount=1000, disabled_count=4)
    assert "单位尚未申报上年工资总额" in implied.missing and "社会平均工资未录入" in implied.missing
