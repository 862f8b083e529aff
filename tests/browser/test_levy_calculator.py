"""残保金计算器 in the browser (issue 5): the manual's simple form, a mistake shown at the field,
the full form with monthly headcounts and a row per person, and the explanation. Every page
state is screenshotted and checked with axe-core."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_estimate_a_levy_with_both_forms(page, journey):  # `page` reloads the policy table
    page.goto("/levy/calculator/")
    journey.check("simple-empty")

    page.get_by_label("单位名称").fill("浏览器测试单位")
    page.get_by_label("单位员工人数").fill("200")
    page.get_by_label("单位月平均工资（元）").fill("八千")
    page.get_by_role("button", name="计算").click()
    assert "错误：" in page.title()
    journey.check("simple-errors")
    assert page.get_by_label("单位员工人数").input_value() == "200"

    page.get_by_label("单位月平均工资（元）").fill("8000")
    page.get_by_label("3-4级伤残安置人月数").fill("12")
    page.get_by_label("残疾员工月薪（元）").fill("5000")
    page.get_by_role("button", name="计算").click()
    # N=200, W=96,000, A=1: (3 − 1) × 96,000 = 192,000 gross; ratio 0.5% → 90% = 172,800
    assert page.get_by_test_id("levy").inner_text() == "¥172,800.00"
    journey.check("simple-result")

    page.get_by_role("link", name="完整计算（按月人数、逐人填写）").click()
    page.select_option("#id_region_province", "410000")
    page.locator("#id_region_city option").nth(1).wait_for(state="attached")
    page.select_option("#id_region_city", "410100")
    page.locator("#id_region option").nth(1).wait_for(state="attached")
    page.select_option("#id_region", "410105")
    for month in range(1, 13):
        page.get_by_label(f"{month}月", exact=True).fill("250")
    page.get_by_label("上年在职职工工资总额（元）").fill("20000000")
    for row in range(3):
        page.get_by_label(f"第{row + 1}人 证件类型").select_option("disability")
        page.get_by_label(f"第{row + 1}人 等级").fill("3")
        page.get_by_label(f"第{row + 1}人 安置月数").fill("12")
    journey.check("full-filled")
    page.get_by_role("button", name="计算").click()
    # E11: Henan 1.6% → required 4, A=3, ratio 1.2% → 50% of 80,000
    assert page.get_by_test_id("levy").inner_text() == "¥40,000.00"
    assert page.get_by_role("heading", name="为什么是这个数").is_visible()
    journey.check("full-result")
    journey.assert_accessible()
