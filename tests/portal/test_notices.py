"""通知公告: who sees which, the unread count, search, pagination, publishing."""

import pytest
from django.urls import reverse

from portal.models import AuditEntry, Notice
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


def test_staff_see_broadcasts_in_and_above_their_region_and_never_a_units_notices(
    reviewer_sh, reviewer_ln, tax_sh, unit_a, client_for
):
    """Issue 15 (12): a reviewer's list is not filled with the units' 审核通知 and 撤回办理结果."""
    notice_post(title="徐汇区通知", body="x", region=f.region("310104"))
    notice_post(title="辽宁通知", body="x", region=f.region("210000"))
    unit_notice = notice_post(title="甲单位审核通知", body="x", employer=unit_a)
    assert set(notices_visible(reviewer_sh).values_list("title", flat=True)) == {"徐汇区通知"}
    assert unread_count(reviewer_sh) == 1
    assert client_for(reviewer_sh).get(reverse("notice_detail", args=[unit_notice.pk])).status_code == 404
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


def test_reviewers_edit_withdraw_and_attach_files_to_their_regions_notices(reviewer_sh, reviewer_ln, owner,
                                                                           client_for):
    """Issue 15 (19): 通知公告管理 had no edit, no withdraw and no attachments."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(reviewer_sh)
    created = client.post(reverse("notice_create"), {
        "title": "年审通知", "body": "请按时申报", "region_province": "310000", "region_city": "", "region": "",
        "files": [SimpleUploadedFile("申报指南.pdf", f.PDF_BYTES, content_type="application/pdf")]})
    notice = Notice.objects.get(title="年审通知")
    assert created.status_code == 302 and notice.attachments.count() == 1
    attachment = notice.attachments.get()
    url = reverse("notice_attachment", args=[notice.pk, attachment.pk])
    assert url in client_for(owner).get(reverse("notice_detail", args=[notice.pk])).content.decode()
    download = client_for(owner).get(url)  # the unit reads a file it does not own
    assert download.status_code == 200 and b"".join(download.streaming_content) == f.PDF_BYTES
    # served as every upload is: an attachment that cannot run as a page of ours
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"].startswith("sandbox")
    bad = client.post(reverse("notice_create"), {
        "title": "坏附件", "body": "x", "region_province": "310000", "region_city": "", "region": "",
        "files": [SimpleUploadedFile("病毒.pdf", b"MZ not a pdf", content_type="application/pdf")]})
    assert bad.status_code == 200 and not Notice.objects.filter(title="坏附件").exists()

    edit = reverse("notice_edit", args=[notice.pk])
    assert client_for(reviewer_ln).get(edit).status_code == 404
    client.post(edit, {"title": "年审通知（更正）", "body": "请于12月31日前申报", "region_province": "310000",
                       "region_city": "", "region": "", "remove": [str(attachment.pk)]})
    notice = Notice.objects.get(pk=notice.pk)
    assert (notice.title, notice.attachments.count()) == ("年审通知（更正）", 0) and notice.updated_at
    assert "年审通知（更正）" in client_for(owner).get(reverse("notice_list")).content.decode()
    assert client_for(owner).get(url).status_code == 404  # a removed attachment is gone for the unit

    assert client_for(reviewer_ln).post(reverse("notice_withdraw", args=[notice.pk])).status_code == 404
    assert client.post(reverse("notice_withdraw", args=[notice.pk])).status_code == 302
    assert "年审通知（更正）" not in client_for(owner).get(reverse("notice_list")).content.decode()
    assert client_for(owner).get(reverse("notice_detail", args=[notice.pk])).status_code == 404
    managed = client.get(reverse("backoffice:announcements")).content.decode()
    assert "年审通知（更正）" in managed and "已撤回" in managed
    assert set(AuditEntry.objects.filter(object_id=str(notice.pk)).values_list("action", flat=True)) >= {
        "notice.post", "notice.update", "notice.withdraw"}


def test_a_units_notices_are_asked_by_region_code_without_the_region_table(owner, unit_a):
    """Issue 20: comparing the region's path joined the whole region table on every page's unread
    count; the unit's region and those above it are asked by code."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    notice_post(title="全市通知", body="…", region=unit_a.fed_region.parent or unit_a.fed_region)
    with CaptureQueriesContext(connection) as read:
        count = unread_count(owner)
    assert count == 1
    assert "portal_region" not in read.captured_queries[-1]["sql"]


def test_the_lists_read_only_what_their_rows_print(owner, unit_a, client_for):
    """Issue 20: 通知公告 and 首页's 通知中心 print a notice's title, type and date with its read flag;
    they read neither its body nor, through joins, its region and unit (a notice page does)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    notice_post(title="全市通知", body="很长的正文" * 200, region=unit_a.fed_region)
    notice_post(title="本单位通知", body="正文", employer=unit_a)
    client = client_for(owner)
    for name in ("notice_list", "home"):
        with CaptureQueriesContext(connection) as read:
            page = client.get(reverse(name)).content.decode()
        assert "全市通知" in page and "本单位通知" in page
        rows = [q["sql"] for q in read.captured_queries if q["sql"].startswith('SELECT "portal_notice"."id"')]
        assert len(rows) == 1, name
        assert '"portal_notice"."body"' not in rows[0] and "JOIN" not in rows[0].split(" WHERE ")[0], name


def test_staff_notices_are_asked_by_region_code_and_a_new_region_below_is_seen_at_once(reviewer_sh, tax_sh):
    """Issue 20: a staff member's unread count (on every page they open) joined the region table to
    find the broadcasts below their region; the codes below it come from the shared cache now, and
    a region added to the table is part of them at once (the table's writes clear the cache)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.models import Region

    parent = reviewer_sh.region
    notice_post(title="下级区通知", body="…", region=Region.objects.filter(parent=parent).first() or parent)
    unread_count(reviewer_sh)  # the codes cached
    with CaptureQueriesContext(connection) as read:
        assert unread_count(reviewer_sh) == 1
    assert [q["sql"] for q in read.captured_queries if "portal_region" in q["sql"]] == []
    assert parent.code == "310000" == tax_sh.region.code
    added = Region.objects.create(code="319999", name="新设区", level=Region.Level.CITY, parent=parent,
                                  path=f"{parent.path}319999/", full_name="上海市新设区")
    notice_post(title="新设区通知", body="…", region=added)
    assert unread_count(reviewer_sh) == 2
    assert "新设区通知" in set(notices_visible(tax_sh).values_list("title", flat=True))
