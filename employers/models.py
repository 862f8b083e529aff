"""用人单位 and the agents (经办人) who act for it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.models import Region


class Employer(models.Model):
    """One unit, identified by its unified social credit code. Its three regions decide who sees
    it: 残联主管部门 (federation staff), 税务主管部门 (tax staff) and 单位所属行政区 (the region whose
    policy parameters apply)."""

    name = models.CharField("单位名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    admin_region = models.ForeignKey(
        Region, verbose_name="单位所属行政区", on_delete=models.PROTECT, related_name="+"
    )
    fed_region = models.ForeignKey(Region, verbose_name="残联主管部门", on_delete=models.PROTECT, related_name="+")
    tax_region = models.ForeignKey(Region, verbose_name="税务主管部门", on_delete=models.PROTECT, related_name="+")
    contact_email = models.EmailField("联系邮箱")
    contact_phone = models.CharField("联系电话", max_length=20)
    created_at = models.DateTimeField("注册时间", default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "用人单位"

    def __str__(self):
        return self.name


class Agent(models.Model):
    """An account acting for a unit. The registering agent invites and removes the others."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agent")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="agents")
    is_registrant = models.BooleanField("注册经办人", default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("加入时间", default=timezone.now)
    removed_at = models.DateTimeField("移除时间", null=True, blank=True)

    class Meta:
        ordering = ["-is_registrant", "created_at"]
        verbose_name = verbose_name_plural = "经办人"

    def __str__(self):
        return f"{self.user.display_name}（{self.employer.name}）"
