"""An agent edits the unit's information and adds a related unit with its proof (issue:
Foundation 2 of 3); every page is checked with axe-core."""

import pytest

from employers.models import Employer, RelatedUnit
from tests import factories as f
from tests.browser.conftest import log_in, pick_region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edit_unit_information_and_add_a_related_unit(page, journey, tmp_path):
    agent = f.AgentFactory(employer__name="上海单位信息测试有限公司", user__username="unit@example.cn")
    log_in(page, agent.user.username, f.PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="单位信息维护管理").click()
    journey.check("unit-empty")

    page.get_by_role("button", name="保存").click()
    assert "错误：" in page.title()
    journey.check("unit-errors")

    page.select_option("#id_unit_nature", "enterprise")
    page.select_option("#id_economic_nature", "limited_liability")
    page.select_option("#id_industry", "C")
    page.get_by_label("法人姓名").fill("周建华")
    page.locator("#id_legal_rep_id_number").fill("11010519491231002X")
    page.get_by_label("法人电话").fill("13800000000")
    page.get_by_label("经办人姓名").fill("王丽华")
    page.get_by_label("经办人电话").fill("13900000000")
    page.get_by_label("单位经营地址").fill("上海市徐汇区宜山路888号")
    page.get_by_label("单位注册地址").fill("上海市徐汇区宜山路888号")
    page.get_by_label("上年度职工数").fill("236")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/unit/")
    assert "单位信息已保存" in page.content()
    assert "110105********002X" in page.content()
    journey.check("unit-saved")

    page.get_by_role("link", name="添加", exact=True).click()
    journey.check("related-new")
    page.select_option("#id_relation", "dispatch")
    pick_region(page, "id_region", "310000", "310100", "310106")
    page.get_by_label("统一社会信用代码").fill(f.credit_code(321))
    page.get_by_label("单位名称").fill("上海静安人力资源服务有限公司")
    proof = tmp_path / "劳务派遣协议.pdf"
    proof.write_bytes(f.PDF_BYTES)
    page.get_by_label("证明材料").set_input_files(str(proof))
    page.get_by_role("button", name="确定").click()
    page.wait_for_url("**/unit/")
    assert "已添加关联单位" in page.content()
    journey.check("unit-with-related")

    employer = Employer.objects.get(pk=agent.employer_id)
    assert employer.legal_rep_id_number == "11010519491231002X"
    related = RelatedUnit.objects.get(employer=employer)
    assert related.evidence.original_name == "劳务派遣协议.pdf"
    journey.assert_accessible()
