"""按比例就业年审: one unit's annual declaration and its state machine (ARCHITECTURE.md):
draft (进行中) → submitted (完成申报) → certified (年审认证通过) → sent_to_tax (已发送税务部门);
a submitted declaration can be returned (退回, back to draft with a reason) or withdrawn by an
approved request; a certified or sent one is reopened only through an approved request.
Transitions change in-memory fields only; services save, audit and notify."""

from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from levy.selectors import RegionRules
from placement import choices as c
from placement import predicates as p

D = c.DeclarationStatus


class AnnualDeclaration(ConcurrentTransitionMixin, models.Model):
    """One unit's declaration for one business year (the year whose months are declared)."""

    employer = models.ForeignKey("employers.Employer", on_delete=models.PROTECT, related_name="declarations")
    business_year = models.PositiveSmallIntegerField("业务年度")
    status = FSMField("申报状态", default=D.DRAFT, choices=D.choices, protected=True)
    created_at = models.DateTimeField(default=timezone.now)

    # 在职职工人数 (DOMAIN.md §1): prefilled from the social-insurance feed, confirmed or corrected
    headcount = models.PositiveIntegerField("在职职工人数", null=True, blank=True)
    headcount_from_feed = models.PositiveIntegerField("社保登记在职职工人数", null=True, blank=True)
    headcount_monthly = models.JSONField("社保登记月度人数", default=dict, blank=True)
    headcount_reason = models.CharField("人数更正原因", max_length=300, blank=True)
    headcount_confirmed_at = models.DateTimeField("职工人数确认时间", null=True, blank=True)

    # 完成申报
    commitment = models.ForeignKey("portal.IssuedDocument", verbose_name="申报资料真实性承诺书", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    commitment_accepted_at = models.DateTimeField("承诺书确认时间", null=True, blank=True)
    submitted_at = models.DateTimeField("完成申报时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申报人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submission_receipt = models.ForeignKey("portal.Receipt", verbose_name="申报回执", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")

    # 退回 (a reviewer returned the submission; kept until the next submission)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="退回人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    return_reason = models.CharField("退回原因", max_length=500, blank=True)

    # 年审认证审核 and the 审核认定书 (a Receipt whose PDF is the certificate)
    certified_at = models.DateTimeField("审核确认时间", null=True, blank=True)
    certified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="认证审核人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey("portal.Receipt", verbose_name="审核认定书", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    sent_to_tax_at = models.DateTimeField("税务接收时间", null=True, blank=True)
    reopened_at = models.DateTimeField("最近重新打开时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-business_year"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "business_year"], name="one_declaration_per_unit_year")
        ]
        indexes = [models.Index(fields=["status", "submitted_at"]), models.Index(fields=["updated_at"])]
        verbose_name = verbose_name_plural = "年审申报"

    audit_name = "declaration"

    def __str__(self):
        return f"{self.employer.name} {self.business_year}年度"

    @property
    def is_draft(self) -> bool:
        return self.status == D.DRAFT

    @property
    def is_certified(self) -> bool:
        return self.status in (D.CERTIFIED, D.SENT_TO_TAX)

    @property
    def started(self) -> bool:
        """A year the unit has not started is shown unsaved, as 未申报: viewing never files."""
        return self.pk is not None

    @cached_property
    def region_rules(self) -> RegionRules:
        """The policy of the unit's region (单位所属行政区) for this year's collection: ratio, weight rule
        and filing window, read once per loaded declaration however many of them a page asks for."""
        return RegionRules(self.employer.admin_region_id, self.business_year + 1)

    def person_rows(self):
        """The declaration's persons (none for a year not started)."""
        return self.persons.all() if self.pk else self._meta.get_field("persons").related_model.objects.none()

    # --- transitions (in-memory only; portal.workflow.transition_apply saves and audits) ----------
    @transition(field=status, source=D.DRAFT, target=D.SUBMITTED,
                conditions=[p.filing_window_open, p.nothing_blocks_submission], permission=p.agent_of_unit,
                custom={"label": "完成申报", "refused": p.ALREADY_SUBMITTED, "code": "already_submitted"})
    def submit(self, *, by, submission_receipt):
        self.submitted_at, self.submitted_by = timezone.now(), by
        self.commitment_accepted_at = self.submitted_at
        self.submission_receipt = submission_receipt

    @transition(field=status, source=D.SUBMITTED, target=D.DRAFT, permission=p.federation_in_scope,
                custom={"label": "年审申报撤回", "refused": lambda d: (
                    f"申报状态已是“{d.get_status_display()}”，不能撤回")})
    def withdraw(self):
        """An approved 年审申报撤回 before certification."""
        self.submitted_at = None

    @transition(field=status, source=D.SUBMITTED, target=D.DRAFT, permission=p.federation_in_scope,
                custom={"action": "return", "label": "退回申报", "refused": lambda d: (
                    f"申报状态已是“{d.get_status_display()}”，不能退回")})
    def return_to_employer(self, *, by, reason: str):
        self.returned_at, self.returned_by, self.return_reason = timezone.now(), by, reason
        self.submitted_at = None

    @transition(field=status, source=D.SUBMITTED, target=D.CERTIFIED, conditions=[p.nothing_blocks_certification],
                permission=p.federation_in_scope,
                custom={"label": "年审认证审核通过", "refused": p.declaration_refused_certify})
    def certify(self, *, by, certificate):
        self.certified_at, self.certified_by, self.certificate = timezone.now(), by, certificate
        self.return_reason = ""

    @transition(field=status, source=D.CERTIFIED, target=D.SENT_TO_TAX, permission=p.system_or_tax_in_scope,
                custom={"action": "sent_to_tax", "label": "税务部门已接收"})
    def mark_sent_to_tax(self):
        self.sent_to_tax_at = timezone.now()

    @transition(field=status, source=[D.CERTIFIED, D.SENT_TO_TAX], target=D.DRAFT, permission=p.federation_in_scope,
                custom={"label": "重新打开申报", "refused": lambda d: (
                    f"申报状态为“{d.get_status_display()}”，无需重新打开")})
    def reopen(self):
        """An approved withdrawal after certification or a feedback approved as a reopening. The
        certificate receipt is cancelled by the service; the link is dropped here, history stays
        in the audit trail and on the receipt."""
        self.reopened_at = timezone.now()
        self.certificate, self.certified_at, self.certified_by = None, None, None
        self.sent_to_tax_at, self.submitted_at = None, None
