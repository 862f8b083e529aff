"""残保金计算器 (public): the manual's simple form, the full form with a row per disabled person,
errors at the field in Chinese with the values kept, and the explanation."""

import pytest
from django.urls import reverse

from portal.navigation import menu_for

pytestmark = pytest.mark.django_db

URL = "/levy/calculator/"

SIMPLE = {"mode": "simple", "unit_name": "测试单位", "region": "", "data_year": "2025", "unit_kind": "enterprise",
          "headcount": "1000", "monthly_wage": "65000", "severe_months": "0", "other_months": "0",
          "disabled_wage": "5536"}


def full(**changes):
    data = {"mode": "full", "unit_name": "", "region_province": "410000", "region_city": "410100",
            "region": "410105", "data_year": "2025", "unit_kind": "enterprise", "headcount_mode": "monthly",
            "headcount": "", "wage_total": "20000000", "social_average_wage": "",
            "person-TOTAL_FORMS": "3", "person-INITIAL_FORMS": "0", "person-MIN_NUM_FORMS": "0",
            "person-MAX_NUM_FORMS": "500"}
    data.update({f"month_{m}": "250" for m in range(1, 13)})
    for i, (certificate, grade, months) in enumerate([("disability", "3", "12")] * 3):
        data.update({f"person-{i}-certificate": certificate, f"person-{i}-grade": grade,
                     f"person-{i}-months": months})
    data.update(changes)
    return data


def test_the_page_is_public_and_named(client):
    assert reverse("levy:calculator") == URL
    page = client.get(URL)
    assert page.status_code == 200 and "残保金计算器" in page.content.decode()


def test_employers_find_it_in_their_menu(owner):
    assert any(item["label"] == "残保金计算器" and item["url"] == URL for item in menu_for(owner, "/"))


def test_the_manuals_example(client):
    """The manual's screen: 1000 staff at 65,000 a month and no disabled staff. Its 11,700,000 has
    no relief; ours applies the 90% tier of the collection year."""
    page = client.post(URL, SIMPLE).content.decode()
    assert "¥10,530,000.00" in page and "¥11,700,000.00" in page and "为什么是这个数" in page
    assert "测试单位" in page and "财政部公告2023年第8号" in page


def test_simple_form_savings_and_placement_cost(client):
    page = client.post(URL, {**SIMPLE, "headcount": "200", "monthly_wage": "8000"}).content.decode()
    # 200 × 1.5% = 3 required, W = 96,000: one more 3-4级 person saves 90% × 96,000 = 86,400
    assert "¥259,200.00" in page and "¥86,400.00" in page and "¥66,432.00" in page


def test_simple_form_errors_are_at_the_field_in_chinese_with_the_values_kept(client):
    response = client.post(URL, {**SIMPLE, "headcount": "-3", "monthly_wage": "六万"})
    page = response.content.decode()
    assert "<title>错误：" in page
    assert "单位员工人数不能为负数" in page and "单位月平均工资（元）请填写数字" in page
    assert 'value="-3"' in page and 'value="六万"' in page and "预计缴纳残保金" not in page


def test_full_form_gives_e11_in_henan(client):
    page = client.post(URL + "?mode=full", full()).content.decode()
    assert "¥40,000.00" in page and "¥80,000.00" in page and "豫发改价调〔2020〕1038号" in page
    assert "未核实" in page and "未核实样例" not in page  # the national rounding row is an assumption, flagged honestly


def test_full_form_with_one_annual_figure(client):
    data = full(headcount_mode="annual", headcount="250", **{f"month_{m}": "" for m in range(1, 13)})
    assert "¥40,000.00" in client.post(URL, data).content.decode()


def test_full_form_errors_per_person_and_per_month(client):
    data = full(**{"person-1-grade": "7", "person-2-months": "13", "month_3": ""})
    page = client.post(URL, data).content.decode()
    assert "第2人 等级：残疾人证的等级应为1至4级" in page
    assert "第3人 安置月数：安置月数应为0至12" in page
    assert "请填写3月的在职职工人数" in page and "预计缴纳残保金" not in page


def test_an_unknown_region_is_an_error_at_the_region(client):
    page = client.post(URL, full(region="999999", region_city="", region_province="")).content.decode()
    assert "请选择有效的行政区" in page


def test_add_row_keeps_the_figures_without_errors(client):
    page = client.post(URL, {**full(), "add_row": "1"}).content.decode()
    assert 'name="person-3-grade"' in page and 'name="person-4-grade"' not in page
    assert 'value="20000000"' in page and "error-summary" not in page


def test_a_signed_in_employer_starts_from_their_unit(client_for, owner, unit_a):
    page = client_for(owner).get(URL + "?mode=full").content.decode()
    assert 'value="310104" selected' in page and unit_a.name in page


# --- issue 15, point 7: official citations only, an honest verified flag, the formula in one line ---


def test_the_public_sees_official_citations_only_and_the_formula_in_one_line(client):
    body = client.post(URL, SIMPLE).content.decode()
    sources = "".join(part.split("</td>", 1)[0] for part in body.split('class="source">')[1:])
    for note in ("文号凭记忆", "未核实样例", "请核实", "转载", "http", "第三方", "www."):
        assert note not in sources, note
    assert "财税〔2015〕72号" in sources
    formula = body.split('data-testid="formula">', 1)[1].split("</p>", 1)[0]
    assert "残保金 =（上年在职职工人数 × 规定比例 − 上年实际安排残疾人就业人数）× 上年在职职工年平均工资" in formula
    assert "（1000 × 1.5% − 0）×" in formula and "<br" not in formula


def test_a_row_citing_a_recollection_is_not_marked_verified():
    from levy.models import PolicyRule

    row = PolicyRule.objects.get(region_code="000000", name="wage_cap_multiplier", first_year=2018)
    assert "凭记忆" in row.source and not row.verified
    assert "财税〔2018〕39号" in row.as_row().citation and "凭记忆" not in row.as_row().citation
