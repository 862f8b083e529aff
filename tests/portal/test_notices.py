"""通知公告: who sees which, the unread count, search, pagination, publishing."""

import pytest
from django.urls import reverse

from portal.models import Notice
from portal.notices import notice_post, notices_visible, unread_count
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_unit_notice_reaches_that_unit_only(owner, colleague, outsider, unit_a):
    notice_post(title="安置人员“张三”资料审核完成通知", body="有效月份为202501", employer=unit_a)
    assert notices_visible(owner).count() == 1
    assert notices_visible(colleague).count() == 1
    assert notices_visible(outsider).count() == 0


def test_a_region_broadcast_reaches_units_below_it_and_not_beside_it(owner, outsider):
    notice_post(title="上海市通知", body="x", region=f.region("310000"))
    notice_post(title="全国通知", body="x")
    assert set(notices_visible(owner).values_list("title", flat=True)) == {"上海市通知", "全国通知"}
    assert set(notices_visible(outsider).values_list("title", flat=True)) == {"全国通知"}


def test_staff_see_broadcasts_in_and_above_their_region_and_reviewers_their_units_notices(
    reviewer_sh, reviewer_ln, tax_sh, unit_a
):
    notice_post(title="徐汇区通知", body="x", region=f.region("310104"))
    notice_post(title="辽宁通知", body="x", region=f.region("210000"))
    notice_post(title="甲单位审核通知", body="x", employer=unit_a)
    assert set(notices_visible(reviewer_sh).values_list("title", flat=True)) == {"徐汇区通知", "甲单位审核通知"}
    assert set(notices_visible(tax_sh).values_list("title", flat=True)) == {"徐汇区通知"}
    assert set(notices_visible(reviewer_ln).values_list("title", flat=True)) == {"辽宁通知"}


def test_the_header_shows_the_unread_count_until_read(owner, client_for, unit_a):
    notice = notice_post(title="未读通知", body="内容", employer=unit_a)
    client = client_for(owner)
    assert unread_count(owner) == 1
    assert 'aria-label="1条未读"' in client.get(reverse("home")).content.decode()
    client.get(reverse("notice_detail", args=[notice.pk]))
    assert unread_count(owner) == 0


def test_the_list_searches_and_paginates(owner, client_for, unit_a):
    for i in range(25):
        Notice.objects.create(title=f"年审通知{i}", body="x", employer=unit_a)
    Notice.objects.create(title="康复服务规范", body="精神障碍社区康复", employer=unit_a)
    client = client_for(owner)
    page1 = client.get(reverse("notice_list"))
    assert page1.context["page"].paginator.count == 26 and len(page1.context["page"]) == 20
    found = client.get(reverse("notice_list"), {"q": "康复"})
    assert [n.title for n in found.context["page"]] == ["康复服务规范"]
    empty = client.get(reverse("notice_list"), {"q": "不存在的词"})
    assert "没有找到" in empty.content.decode()


def test_the_list_query_count_does_not_grow_with_rows(owner, client_for, unit_a, django_assert_max_num_queries):
    client = client_for(owner)
    Notice.objects.create(title="a", body="x", employer=unit_a)
    client.get(reverse("notice_list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notice_list"))
    for i in range(18):
        Notice.objects.create(title=f"b{i}", body="x", employer=unit_a)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("notice_list"))
    assert len(many) == len(few)


def test_a_retried_post_with_the_same_key_posts_once(unit_a):
    first = notice_post(title="提醒", body="x", employer=unit_a, dedupe_key="k1")
    second = notice_post(title="提醒", body="x", employer=unit_a, dedupe_key="k1")
    assert first.pk == second.pk and Notice.objects.count() == 1


def test_reviewers_publish_to_their_region_only(reviewer_ln, client_for):
    client = client_for(reviewer_ln)
    ok = client.post(reverse("notice_create"), {"title": "和平区通知", "body": "内容", "region_province": "210000",
                                                "region_city": "210100", "region": "210102"})
    assert ok.status_code == 302
    refused = client.post(reverse("notice_create"), {"title": "越权通知", "body": "内容", "region_province": "310000",
                                                     "region_city": "", "region": ""})
    assert refused.status_code == 200 and "只能向本区域及下级区域发布通知" in refused.content.decode()
    assert not Notice.objects.filter(title="越权通知").exists()
