"""The glue every app shares: regions, users with roles, the audit trail, notices, and the
worker heartbeat the health page reads."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.guards import allowed
from portal.predicates import is_system
from portal.roles import STAFF, Role
from portal.unions import UnionDistrict


class Region(models.Model):
    """A GB/T 2260 administrative division. `path` lists the codes from the province down, so
    "everything below a region" is one prefix match."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, "省级"
        CITY = 2, "地级"
        COUNTY = 3, "县级"

    code = models.CharField("行政区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("级别", choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=24, db_index=True)
    full_name = models.CharField("全称", max_length=128)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self):
        return self.full_name

    def contains(self, other: "Region | None") -> bool:
        return other is not None and other.path.startswith(self.path)

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


class PortalUserManager(UserManager):
    def staff(self):
        return self.filter(role__in=STAFF)


class User(AbstractUser):
    """One account. Employer agents belong to one unit (employers.Agent); staff belong to a region
    and see everything below it and nothing beside it."""

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.EMPLOYER_AGENT)
    region = models.ForeignKey(
        Region, verbose_name="所属区域", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    full_name = models.CharField("姓名", max_length=64, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    # union staff see the units of their 区局工会 only (portal.scoping); blank for everyone else
    union_district = models.CharField("所属区局工会", max_length=60, choices=UnionDistrict.choices, blank=True)
    # Set when an administrator chooses the password (a new staff account, a reset): after login
    # and the second factor the person changes it before anything else (issue 14, point 9).
    must_change_password = models.BooleanField("须修改初始密码", default=False)

    objects = PortalUserManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_staff_member(self) -> bool:
        """Government staff (federation, tax, union, administrators): TOTP required."""
        return self.role in STAFF

    @property
    def is_employer_agent(self) -> bool:
        return self.role == Role.EMPLOYER_AGENT

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计记录不可修改")

    def delete(self):
        raise PermissionError("审计记录不可删除")


class AuditEntry(models.Model):
    """Append-only: who did what to which object, from which state to which, when, why, from
    where. Written by services in the same transaction as the change (see portal.audit)."""

    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    from_state = models.CharField("原状态", max_length=40, blank=True)
    to_state = models.CharField("新状态", max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT
    )
    actor_repr = models.CharField("操作人", max_length=100, blank=True)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    reason = models.TextField("原因", blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        verbose_name = verbose_name_plural = "审计日志"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审计记录不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录不可删除")


class Notice(models.Model):
    """通知公告: to one unit, broadcast to a region and everything below it, or (no region, no
    unit) to everyone."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", "通知公告"
        REVIEW = "review", "审核通知"
        REMINDER = "reminder", "办理提醒"
        SYSTEM = "system", "系统消息"

    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.ANNOUNCEMENT)
    employer = models.ForeignKey(
        "employers.Employer", verbose_name="接收单位", null=True, blank=True, on_delete=models.CASCADE,
        related_name="notices",
    )
    region = models.ForeignKey(
        Region, verbose_name="发布范围", null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    link = models.CharField("相关链接", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True, on_delete=models.SET_NULL
    )
    published_at = models.DateTimeField("发布时间", default=timezone.now, db_index=True)
    # 通知公告管理 (issue 15, 19): an announcement is edited and withdrawn, and carries attachments
    attachments = models.ManyToManyField("Upload", verbose_name="附件", blank=True, related_name="+")
    updated_at = models.DateTimeField("修改时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撤回人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+"
    )
    # Notices posted twice by a retried task are the same notice (see portal.notices.notice_post).
    dedupe_key = models.CharField(max_length=120, blank=True, null=True, unique=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = verbose_name_plural = "通知公告"

    def __str__(self):
        return self.title


class NoticeRead(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_reads")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_read_once")]

    def __str__(self):
        return f"{self.user} read {self.notice_id}"


class WorkerHeartbeat(models.Model):
    """Written by a beat-scheduled task through the broker: proof that the worker is alive."""

    token = models.UUIDField(default=uuid.uuid4, unique=True)
    hostname = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = verbose_name_plural = "任务进程心跳"

    def __str__(self):
        return f"{self.hostname} {self.at:%Y-%m-%d %H:%M:%S}"


class WorkerOutage(models.Model):
    """A time the task worker stopped answering (no heartbeat for WORKER_SILENT_AFTER_S), noticed by
    the web process (portal.worker): administrators are e-mailed once when it starts and once when
    the worker is back; the queued tasks wait in the broker meanwhile, nothing is lost."""

    started_at = models.DateTimeField("开始时间", help_text="最后一次心跳的时间")
    noticed_at = models.DateTimeField("发现时间", default=timezone.now)
    ended_at = models.DateTimeField("恢复时间", null=True, blank=True)

    class Meta:
        ordering = ["-noticed_at"]
        verbose_name = verbose_name_plural = "任务进程中断"
        constraints = [models.UniqueConstraint(fields=["ended_at"], condition=models.Q(ended_at__isnull=True),
                                               name="worker_outage_one_open")]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} – {self.ended_at:%Y-%m-%d %H:%M}" if self.ended_at else \
            f"{self.started_at:%Y-%m-%d %H:%M} –"


class Upload(models.Model):
    """A file a user uploaded: stored outside the web root under a random name, served only
    through portal.views.files after checking the viewer's right to the unit that owns it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("用途", max_length=40)
    employer = models.ForeignKey(
        "employers.Employer", verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT,
        related_name="uploads",
    )
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=200, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = verbose_name_plural = "上传文件"

    def __str__(self):
        return self.original_name


class IssuedDocument(ConcurrentTransitionMixin, models.Model):
    """A PDF the portal issues (receipt, 承诺书, 审核认定书 …): its facts are fixed when it is
    issued; a Celery task renders it once; afterwards the stored file is served."""

    class Status(models.TextChoices):
        PENDING = "pending", "生成中"
        READY = "ready", "已生成"
        FAILED = "failed", "生成失败"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("类型", max_length=40)
    title = models.CharField("标题", max_length=200)
    template = models.CharField(max_length=200)
    context = models.JSONField("内容", default=dict)
    employer = models.ForeignKey(
        "employers.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    status = FSMField("状态", max_length=10, choices=Status.choices, default=Status.PENDING, protected=True)
    storage_name = models.CharField(max_length=200, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    render_count = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    audit_name = "document"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "出具文书"

    def __str__(self):
        return self.title

    # rendering is the worker's: a failed render can be tried again and then succeed
    @transition(field=status, source=[Status.PENDING, Status.FAILED], target=Status.READY,
                permission=allowed(is_system), custom={"label": "文书已生成"})
    def mark_ready(self, *, storage_name: str):
        self.storage_name, self.rendered_at, self.error = storage_name, timezone.now(), ""
        self.render_count += 1

    @transition(field=status, source=[Status.PENDING, Status.FAILED], target=Status.FAILED,
                permission=allowed(is_system), custom={"label": "文书生成失败"})
    def mark_failed(self, *, error: str):
        self.error = error[:2000]


class Receipt(ConcurrentTransitionMixin, models.Model):
    """回执 at a milestone: a reference number for the user and a verification code anyone can
    check on the public page. `public_facts` is what that page shows: never personal data."""

    class Status(models.TextChoices):
        ISSUED = "issued", "有效"
        CANCELLED = "cancelled", "已作废"

    reference = models.CharField("编号", max_length=40, unique=True)
    verification_code = models.CharField("验证码", max_length=20, unique=True)
    kind = models.CharField("业务类型", max_length=40)
    title = models.CharField("标题", max_length=200)
    employer = models.ForeignKey(
        "employers.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="receipts"
    )
    issued_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("出具时间", default=timezone.now)
    public_facts = models.JSONField(default=dict)
    document = models.OneToOneField(IssuedDocument, null=True, blank=True, on_delete=models.PROTECT)
    status = FSMField("状态", max_length=10, choices=Status.choices, default=Status.ISSUED, protected=True)
    cancelled_at = models.DateTimeField("作废时间", null=True, blank=True)
    cancel_reason = models.CharField("作废原因", max_length=300, blank=True)

    audit_name = "receipt"

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = verbose_name_plural = "回执"

    def __str__(self):
        return f"{self.title}（{self.reference}）"

    # cancelled by the service that undoes its milestone (a reopened declaration's certificate)
    @transition(field=status, source=Status.ISSUED, target=Status.CANCELLED, custom={"label": "回执作废"})
    def cancel(self, *, reason: str):
        self.cancelled_at, self.cancel_reason = timezone.now(), reason[:300]


class SystemToken(models.Model):
    """An API key for a government system (a tax bureau's) issued by an administrator for one
    region: calls made with it see only that region. Only a hash of the key is stored."""

    name = models.CharField("系统名称", max_length=100)
    region = models.ForeignKey(Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField("密钥前缀", max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("签发时间", default=timezone.now)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "系统接口令牌"

    def __str__(self):
        return f"{self.name}（{self.region.full_name}）"
