"""Formatting for templates: masked numbers, money, months, status badges, the audit timeline.
Templates render; they never decide (STYLE.md 10)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.html import format_html

from portal import identity, text

register = template.Library()


@register.filter
def mask_id(value):
    """310104********1234"""
    return identity.mask_id(str(value or ""))


@register.filter
def mask_cert(value):
    """A certificate number: the masked ID part only."""
    return identity.mask_certificate(str(value or ""))


@register.filter
def mask_account(value):
    return identity.mask_account(str(value or ""))


@register.filter
def money(value):
    """¥12,345.67"""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return value
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


# Dates as UI.md prints them. Django's |date:"Y-m-d H:i" looks up the language's formats and walks its
# format string per call (45 µs): a list's dates and a timeline's were a tenth of a page (issue 20).
# expects_localtime: an aware moment is shown in local time, as |date shows it.
@register.filter(expects_localtime=True)
def ymd(value):
    """2026-11-27: a date, or the local day of a moment."""
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else ""


@register.filter(expects_localtime=True)
def ymd_hm(value):
    """2026-11-27 14:05: a moment to the minute, in local time."""
    return value.strftime(text.MINUTE) if hasattr(value, "strftime") else ""


@register.filter(expects_localtime=True)
def iso(value):
    """2026-11-27T14:05:03+08:00: a <time datetime> attribute (|date:'c' gave the same, slower)."""
    return value.isoformat() if hasattr(value, "isoformat") else ""


@register.filter
def percent(value, places=2):
    """0.01056 → 1.06%"""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value)) * 100
    except InvalidOperation:
        return value
    quantum = Decimal(1).scaleb(-int(places))
    return f"{number.quantize(quantum, rounding=ROUND_HALF_UP)}%"


@register.filter
def grade(value):
    """A certificate's grade as it is printed: 二级."""
    return identity.grade_label(value)


@register.filter
def age(birth_date):
    """A birth date → "45岁" today (周岁; the manual's 年龄 beside 出生日期)."""
    if not birth_date:
        return ""
    return f"{identity.age_on(birth_date, timezone.localdate())}岁"


@register.filter
def month_label(value):
    """202603 → 2026年03月 (prose); grids print the YYYYMM form as is."""
    text = str(value or "")
    return f"{text[:4]}年{text[4:6]}月" if len(text) == 6 and text.isdigit() else text


register.filter("month_ranges", text.month_ranges)


@register.filter
def waited_since(moment, now):
    """已等待 in every queue's words (3天5小时), from a moment to `now` (|timesince printed “3 日，5 小时”)."""
    return text.waited(now - moment) if moment and now else ""


@register.simple_tag
def badge(label, tone="neutral"):
    """A status badge: always the word, colour only as a second cue."""
    return format_html('<span class="badge badge-{}">{}</span>', tone, label)


@register.simple_tag
def state_badge(obj, field="status"):
    """The badge of an object's status field: its label from the choices, its tone from the one
    table (portal.tones)."""
    from portal.tones import tone

    if not getattr(obj, "started", True):  # shown before it exists (a year the unit has not filed)
        return badge("未申报", "neutral")
    value = getattr(obj, field)
    return badge(getattr(obj, f"get_{field}_display")(), tone(value))


@register.filter
def state_tone(value):
    """The tone of a raw status value (rows built from plain values)."""
    from portal.tones import tone

    return tone(value)


@register.inclusion_tag("includes/timeline.html")
def audit_timeline(obj):
    from portal.audit import audit_timeline as entries_for

    return {"entries": list(entries_for(obj)) if obj is not None else []}


@register.filter
def entry_action(entry):
    """An audit entry's action in words (its own label, else the app's registered label)."""
    from portal.audit import action_label

    return action_label(entry)


@register.filter
def entry_states(entry):
    """"已完成申报 → 年审认证通过": an audit entry's status change in the manuals' words."""
    from portal.audit import state_label

    if not (entry.from_state or entry.to_state):
        return ""
    return f"{state_label(entry, entry.from_state) or '—'} → {state_label(entry, entry.to_state)}"


@register.inclusion_tag("includes/pagination.html")
def pager(page, query=""):
    """The one pager: the total, previous / next and the page numbers around the current one."""
    paginator = page.paginator
    return {"page": page, "query": query, "ellipsis": paginator.ELLIPSIS,
            "links": list(paginator.get_elided_page_range(page.number, on_each_side=3, on_ends=1))}


@register.simple_tag
def qr_data_uri(text):
    """A QR code as an SVG data URI (PDFs and pages; the PDF fetcher allows data: URIs only)."""
    import segno

    return segno.make(str(text), error="m").svg_data_uri(scale=3, border=1)


@register.filter
def get_item(mapping, key):
    """{{ dict|get_item:key }}"""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag(takes_context=True)
def error_prefix(context):
    """「错误：」 before the page title when any form on the page has errors (UI.md)."""
    from django.forms import BaseForm

    for scope in context.dicts:
        for value in scope.values():
            if isinstance(value, BaseForm) and value.is_bound and value.errors:
                return "错误："
    return ""
