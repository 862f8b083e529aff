"""通知公告: the service other apps call to post a notice, and the reads of who sees which."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from portal.audit import audit_record
from portal.exceptions import NotAllowed
from portal.models import Notice, NoticeRead, Region
from portal.roles import ADMIN
from portal.units import unit_of


def notice_post(
    *,
    title: str,
    body: str,
    employer=None,
    region: Region | None = None,
    kind: str = Notice.Kind.ANNOUNCEMENT,
    actor=None,
    link: str = "",
    dedupe_key: str | None = None,
) -> Notice:
    """Post a notice to one unit (`employer`), to a region and everything below it (`region`),
    or to everyone (neither). With a `dedupe_key` a retried caller posts it only once."""
    if dedupe_key:
        existing = Notice.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing  # idempotent: already posted
    notice = Notice(
        title=title.strip(), body=body.strip(), employer=employer, region=region, kind=kind,
        created_by=actor if getattr(actor, "pk", None) else None, link=link, dedupe_key=dedupe_key,
    )
    notice.full_clean(exclude=["dedupe_key"])
    notice.save()
    audit_record(action="notice.post", actor=actor, obj=notice, data={"kind": kind})
    return notice


def notice_publish(*, actor, region: Region, title: str, body: str) -> Notice:
    """发布通知公告: a reviewer broadcasts to their region or a region below it."""
    if actor.role not in ADMIN and not (actor.region and actor.region.contains(region)):
        raise NotAllowed("只能向本区域及下级区域发布通知", field="region")
    return notice_post(actor=actor, region=region, title=title, body=body, kind=Notice.Kind.ANNOUNCEMENT)


def notices_visible(user) -> QuerySet[Notice]:
    """Employers: their unit's notices and broadcasts to their 残联主管部门's region or above.
    Staff: broadcasts to their region, above it or below it, and nothing addressed to a unit: a
    unit's 审核通知 or 撤回办理结果 is the unit's mail, not the reviewer's (issue 15, 12)."""
    qs = Notice.objects.select_related("region", "employer")
    if user.is_employer_agent:
        employer = unit_of(user)
        if employer is None:
            return qs.none()
        path = employer.fed_region.path
        ancestors = [p + "/" for p in _prefixes(path)]
        return qs.filter(
            Q(employer=employer) | Q(employer__isnull=True, region__isnull=True)
            | Q(employer__isnull=True, region__path__in=ancestors)
        )
    if user.role in ADMIN:
        return qs
    if user.region_id is None:
        return qs.filter(employer__isnull=True, region__isnull=True)
    path = user.region.path
    ancestors = [p + "/" for p in _prefixes(path)]
    broadcasts = (
        Q(employer__isnull=True, region__isnull=True)
        | Q(employer__isnull=True, region__path__in=ancestors)
        | Q(employer__isnull=True, region__path__startswith=path)
    )
    return qs.filter(broadcasts)


def _prefixes(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def notices_with_read_flag(user, queryset: QuerySet[Notice] | None = None) -> QuerySet[Notice]:
    qs = queryset if queryset is not None else notices_visible(user)
    return qs.annotate(is_read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), user=user)))


def unread_count(user) -> int:
    return notices_visible(user).exclude(reads__user=user).count()


def notice_mark_read(*, user, notice: Notice) -> None:
    NoticeRead.objects.get_or_create(notice=notice, user=user)
