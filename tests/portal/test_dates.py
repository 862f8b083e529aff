"""The portal's date filters print what Django's |date printed with the formats they replaced
(issue 20: |date was a tenth of a list's or a timeline's time)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import translation

UTC, SH = datetime.UTC, ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("value", [
    datetime.datetime(2026, 12, 7, 6, 5, 3, 120000, tzinfo=UTC),  # 14:05 in Shanghai
    datetime.datetime(2026, 12, 31, 16, 30, tzinfo=UTC),  # already 2027-01-01 locally
    datetime.datetime(2026, 3, 9, 8, 0, tzinfo=SH),
    datetime.date(2026, 3, 9),
    None,
    "",
    "2026-03-09",  # text is not a date: both print nothing
])
@pytest.mark.parametrize("ours,django_format", [("ymd_hm", "Y-m-d H:i"), ("ymd", "Y-m-d"), ("iso", "c")])
def test_each_filter_prints_what_the_date_filter_printed(settings, value, ours, django_format):
    settings.TIME_ZONE = "Asia/Shanghai"
    if ours == "ymd_hm" and type(value) is datetime.date:
        value = datetime.datetime(2026, 3, 9)  # |date:"Y-m-d H:i" raised on a day: no template passes one
    engine = engines["django"]
    with translation.override("zh-hans"):
        mine = engine.from_string(f"{{{{ v|{ours} }}}}").render({"v": value})
        theirs = engine.from_string(f'{{{{ v|date:"{django_format}" }}}}').render({"v": value})
    assert mine == theirs


def test_a_moment_shows_in_local_time_unless_the_template_says_otherwise(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = datetime.datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    engine = engines["django"]
    assert engine.from_string("{{ v|ymd_hm }}").render({"v": moment}) == "2027-01-01 00:30"
    assert engine.from_string("{% load tz %}{% localtime off %}{{ v|ymd_hm }}{% endlocaltime %}").render(
        {"v": moment}) == "2026-12-31 16:30"


@pytest.mark.parametrize("delta,words", [
    (datetime.timedelta(seconds=30), "不到1分钟"),
    (datetime.timedelta(minutes=1), "1分钟"),
    (datetime.timedelta(minutes=59), "59分钟"),
    (datetime.timedelta(hours=2, minutes=10), "2小时10分钟"),
    (datetime.timedelta(days=3, hours=5, minutes=59), "3天5小时"),
    (datetime.timedelta(days=3, minutes=20), "3天"),
    (datetime.timedelta(seconds=-5), "不到1分钟"),  # a clock a little ahead never says “-1分钟”
])
def test_every_queue_says_how_long_an_item_waited_in_the_same_words(delta, words):
    from portal.text import waited

    now = datetime.datetime(2026, 12, 7, 14, 0, tzinfo=SH)
    assert waited(delta) == words
    assert engines["django"].from_string("{{ at|waited_since:now }}").render({"at": now - delta, "now": now}) == words
