"""通知公告: the service other apps call to post a notice, and the reads of who sees which."""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from portal.audit import audit_record
from portal.exceptions import Conflict, NotAllowed
from portal.models import Notice, NoticeRead, Region
from portal.predicates import region_contains
from portal.roles import ADMIN, STAFF
from portal.scoping import codes_enclosing, codes_within, region_q
from portal.units import unit_of
from portal.uploads import upload_accept, upload_kind


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


NOTICE_ATTACHMENT = upload_kind("notice_attachment", "通知公告附件", staff_roles=STAFF)


def _may_publish_to(actor, region: Region | None) -> bool:
    return region_contains(actor, region)


def notice_publish(*, actor, region: Region, title: str, body: str, files=()) -> Notice:
    """发布通知公告: a reviewer broadcasts to their region or a region below it, with attachments."""
    if not _may_publish_to(actor, region):
        raise NotAllowed("只能向本区域及下级区域发布通知", field="region")
    with transaction.atomic():
        uploads = [upload_accept(file=f, kind=NOTICE_ATTACHMENT.code, actor=actor, field="files") for f in files]
        notice = notice_post(actor=actor, region=region, title=title, body=body, kind=Notice.Kind.ANNOUNCEMENT)
        notice.attachments.set(uploads)
    return notice


def notices_managed(user) -> QuerySet[Notice]:
    """通知公告管理: the announcements a reviewer may edit and withdraw — those to their region or
    below it (administrators: all), the withdrawn ones too. A unit's notices are never here."""
    qs = Notice.objects.filter(kind=Notice.Kind.ANNOUNCEMENT, employer__isnull=True) \
        .select_related("region", "created_by", "withdrawn_by")
    return qs.filter(region_q(user, "region"))  # the one region rule (administrators: all)


def notice_update(*, actor, notice: Notice, region: Region, title: str, body: str, files=(),
                  remove=()) -> Notice:
    """修改 an announcement: its text, its scope (still within the reviewer's region), attachments
    added or removed. A withdrawn notice stays as it was withdrawn."""
    if not (_may_publish_to(actor, notice.region) and _may_publish_to(actor, region)):
        raise NotAllowed("只能修改本区域及下级区域的通知", field="region")
    if notice.withdrawn_at:
        raise Conflict("该通知已撤回，不能修改", code="withdrawn")
    with transaction.atomic():
        uploads = [upload_accept(file=f, kind=NOTICE_ATTACHMENT.code, actor=actor, field="files") for f in files]
        notice.title, notice.body, notice.region, notice.updated_at = title.strip(), body.strip(), region, \
            timezone.now()
        notice.full_clean(exclude=["dedupe_key"])
        notice.save(update_fields=["title", "body", "region", "updated_at"])
        if remove:
            notice.attachments.remove(*notice.attachments.filter(pk__in=list(remove)))
        notice.attachments.add(*uploads)
        audit_record(action="notice.update", actor=actor, obj=notice,
                     data={"added": len(uploads), "removed": len(remove)})
    return notice


def notice_withdraw(*, actor, notice: Notice) -> Notice:
    """撤回 an announcement: units no longer see it; it stays in 通知公告管理 as 已撤回."""
    if not _may_publish_to(actor, notice.region):
        raise NotAllowed("只能撤回本区域及下级区域的通知")
    if notice.withdrawn_at:
        return notice  # idempotent: already withdrawn
    with transaction.atomic():
        notice.withdrawn_at, notice.withdrawn_by = timezone.now(), actor
        notice.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_record(action="notice.withdraw", actor=actor, obj=notice)
    return notice


def notices_visible(user) -> QuerySet[Notice]:
    """Employers: their unit's notices and broadcasts to their 残联主管部门's region or above.
    Staff: broadcasts to their region, above it or below it, and nothing addressed to a unit: a
    unit's 审核通知 or 撤回办理结果 is the unit's mail, not the reviewer's (issue 15, 12)."""
    qs = Notice.objects.filter(withdrawn_at__isnull=True).select_related("region", "employer")
    if user.is_employer_agent:
        employer = unit_of(user)
        if employer is None:
            return qs.none()
        return qs.filter(
            Q(employer=employer) | Q(employer__isnull=True, region__isnull=True)
            | Q(employer__isnull=True, region_id__in=codes_enclosing(employer.fed_region))
        )
    if user.role in ADMIN:
        return qs
    if user.region_id is None:
        return qs.filter(employer__isnull=True, region__isnull=True)
    # by code, as for a unit (portal.scoping): the user's region, those above it and those below
    codes = {*codes_enclosing(user.region), *codes_within(user.region)}
    return qs.filter(Q(region__isnull=True) | Q(region_id__in=sorted(codes)), employer__isnull=True)


def notices_with_read_flag(user, queryset: QuerySet[Notice] | None = None) -> QuerySet[Notice]:
    qs = queryset if queryset is not None else notices_visible(user)
    return qs.annotate(is_read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), user=user)))


# what the notice lists print (通知公告 and 首页's 通知中心): not the body, the region or the unit
LISTED = ("pk", "title", "kind", "published_at")


def notice_rows(user) -> QuerySet[Notice]:
    """The visible notices as the lists print them, newest first, with their read flag: the
    columns the rows show, without the joins a notice page needs (issue 20)."""
    return notices_with_read_flag(user).select_related(None).only(*LISTED)


def unread_count(user) -> int:
    return notices_visible(user).exclude(reads__user=user).count()


def notice_mark_read(*, user, notice: Notice) -> None:
    NoticeRead.objects.get_or_create(notice=notice, user=user)
