"""异议: the unit objects to a figure of 信息确认 (用人单位性质, 征缴基数, 上年度在职职工平均人数); a tax
officer of the unit's 税务主管部门 approves it with the corrected figures or refuses it with a
reason. One review machine (portal.reviewable); the original, proposed and decided figures and
the levy before and after are kept side by side."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from levy import predicates as p
from levy.choices import ObjectionKind
from portal.reviewable import Reviewable


class Objection(Reviewable):
    assessment = models.ForeignKey("levy.LevyAssessment", verbose_name="残保金征缴", on_delete=models.PROTECT,
                                   related_name="objections")
    kind = models.CharField("异议类型", max_length=10, choices=ObjectionKind.choices)
    before = models.JSONField("原数据", default=dict)
    proposed = models.JSONField("单位填报的数据", default=dict)
    decided = models.JSONField("核准的数据", default=dict, blank=True)
    levy_before = models.DecimalField("异议前应缴纳残保金", max_digits=14, decimal_places=2, null=True, blank=True)
    levy_after = models.DecimalField("异议处理后应缴纳残保金", max_digits=14, decimal_places=2, null=True, blank=True)
    attachments = models.ManyToManyField("portal.Upload", verbose_name="证明材料", blank=True, related_name="+")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    review_permission = p.objection_decider

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "残保金异议"
        indexes = [models.Index(fields=["review_state", "submitted_at"])]

    audit_name = "levy_objection"

    def __str__(self):
        return f"{self.assessment} {self.get_kind_display()}"

    @property
    def employer(self):
        return self.assessment.employer
