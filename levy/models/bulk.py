"""年终批量核定: one background job assessing every unit of a region that confirmed its figures but
did not finish 核定 by the year end, from the stored figures. Its progress is a job status apart
from the assessments' business status (ARCHITECTURE.md "where we go beyond" 8)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class LevyBulkJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "核定中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    region = models.ForeignKey("portal.Region", verbose_name="地区", on_delete=models.PROTECT, related_name="+")
    collection_year = models.PositiveSmallIntegerField("征收年份")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("待核定单位数", default=0)
    done = models.PositiveIntegerField("已处理", default=0)
    assessed = models.PositiveIntegerField("已核定", default=0)
    skipped = models.PositiveIntegerField("未核定（缺少数据）", default=0)
    error = models.CharField("错误", max_length=500, blank=True)
    created_at = models.DateTimeField("发起时间", default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "年终批量核定"

    def __str__(self):
        return f"{self.region_id} {self.collection_year} {self.get_status_display()}"

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 and self.status == self.Status.DONE else (
            int(self.done * 100 / self.total) if self.total else 0)
