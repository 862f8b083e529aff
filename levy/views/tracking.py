"""Tracking: 我的办件 (the unit's filings with status and times) and 办件查询 without login by 申请对象
+ 办事序号 (the 统一审批编码: 18 random digits, so numbers cannot be guessed), throttled per address, with
a captcha (django-simple-captcha, with its spoken version) only after repeated failed lookups from
one address."""

from captcha.models import CaptchaStore
from captcha.views import captcha_audio, captcha_image
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from employers.selectors import employer_for_agent
from levy.forms import TrackForm
from levy.selectors.assessment import filings_of_unit, tracking_lookup
from portal.access import public, roles_required
from portal.middleware import client_ip
from portal.roles import EMPLOYER
from portal.throttling import throttle
from portal.views.base import paginate

MATTER = "残疾人就业保障金征缴"


@roles_required(EMPLOYER)
def filings(request):
    """我的办件: 统一审批编码, 事项名称, 提交时间, 办结时间, 状态; search by number or year."""
    employer = employer_for_agent(request.user)
    qs = filings_of_unit(employer)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(reference__icontains=q) | (Q(collection_year=int(q)) if q.isdigit() and len(q) == 4 else Q()))
    page, query = paginate(request, qs)
    return render(request, "levy/filings.html", {"page": page, "query": query, "q": q, "matter": MATTER})


def _failures_key(request) -> str:
    return f"levy-track-failures:{client_ip(request)}"


def _captcha_passed(form) -> bool:
    key, answer = form.cleaned_data.get("captcha_key", ""), (form.cleaned_data.get("captcha") or "").strip().lower()
    CaptchaStore.remove_expired()
    deleted, _ = CaptchaStore.objects.filter(hashkey=key, response=answer, expiration__gt=timezone.now()).delete()
    return bool(deleted)


@public
@throttle(key="levy_track", limit=20, seconds=60)
def track(request):
    """办件查询: the filing whose 申请对象 and 办事序号 both match, or a message; nothing about a
    filing is shown unless both match."""
    failures = cache.get(_failures_key(request), 0)
    needs_captcha = failures >= settings.LEVY_TRACK_FAILURES_BEFORE_CAPTCHA
    form = TrackForm(request.POST if request.method == "POST" else None, captcha=needs_captcha)
    found = None
    if form.is_valid():
        if needs_captcha and not _captcha_passed(form):
            form.add_error("captcha", "验证码不正确，请重新输入（看不清可换一张或收听语音）")
        else:
            found = tracking_lookup(applicant=form.cleaned_data["applicant"], reference=form.cleaned_data["reference"])
            if found is None:
                cache.set(_failures_key(request), failures + 1, timeout=settings.LEVY_TRACK_WINDOW_S)
                form.add_error(None, "未检索到相关办件信息。请确认输入了正确的统一审批编码（办事序号）及完整的申请对象名称。")
                needs_captcha = failures + 1 >= settings.LEVY_TRACK_FAILURES_BEFORE_CAPTCHA
    captcha_key = CaptchaStore.generate_key() if needs_captcha and found is None else ""
    if captcha_key:
        form = TrackForm(form.data if form.is_bound else None, captcha=True, captcha_key=captcha_key,
                         errors=form.errors if form.is_bound else None)
    return render(request, "levy/track.html", {"form": form, "found": found, "matter": MATTER,
                                               "captcha_key": captcha_key,
                                               "audio": bool(settings.CAPTCHA_FLITE_PATH)})


@public
def track_captcha(request, key: str):
    """The captcha image (django-simple-captcha's own view, under our access declaration)."""
    return captcha_image(request, key)


@public
def track_captcha_audio(request, key: str):
    """The spoken captcha (flite), for those who cannot read the image."""
    return captcha_audio(request, key)
