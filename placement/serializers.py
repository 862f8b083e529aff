from django.utils import timezone
from rest_framework import serializers

from employers.models import RelatedUnit
from placement import choices as c
from placement import predicates
from placement.models import Certificate, Contract, Evidence, MonthCheck, PlacedPerson
from placement.selectors.year import person_year
from placement.window import filing_window_of
from portal.serializers import MaskedCertificateField, MaskedIdField, RegionField
from portal.worker import job_delayed


class CountsSerializer(serializers.Serializer):
    registered = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    approved = serializers.IntegerField()
    rejected = serializers.IntegerField()
    disabled_count = serializers.SerializerMethodField()

    def get_disabled_count(self, counts) -> str:
        return f"{counts.disabled_count.numerator}/{counts.disabled_count.denominator}"


class PersonSerializer(serializers.ModelSerializer):
    """安置人员: the ID number is write-only in full and read masked."""

    id_number_masked = MaskedIdField(source="id_number")
    id_number = serializers.CharField(write_only=True)
    hukou_region = RegionField(required=False,
                                                allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    # men need none; for women the service asks for F50 / F55 with a message that says so
    retirement_category = serializers.CharField(required=False, allow_blank=True, max_length=3)
    business_year = serializers.IntegerField(source="declaration.business_year", read_only=True)
    counts = serializers.SerializerMethodField()
    confirmed_by = serializers.ChoiceField(choices=c.ConfirmedBy.choices, allow_blank=True, read_only=True,
                                           help_text="system 系统核验通过，reviewer 残联审核通过；未确认时为空")
    verification_delayed = serializers.SerializerMethodField(
        help_text="校验已排队超过几分钟（后台任务延迟）；请求已保存，恢复后自动继续，无需重复提交")

    class Meta:
        model = PlacedPerson
        fields = [
            "id", "business_year", "id_number", "id_number_masked", "name", "sex", "birth_date", "hukou_type",
            "hukou_region", "hukou_address", "phone", "education", "guardian_name", "guardian_phone", "is_graduate",
            "degree", "school", "graduation_year", "retirement_category", "status", "status_label", "confirmed_by",
            "wizard_step", "registered_at", "reviewed_at", "verification_state", "verification_done",
            "verification_total", "verification_delayed", "counts",
        ]
        read_only_fields = ["sex", "birth_date", "status", "confirmed_by", "wizard_step", "registered_at",
                            "reviewed_at", "verification_state", "verification_done", "verification_total"]

    def get_verification_delayed(self, person) -> bool:
        running = person.verification_state in (c.VerificationState.QUEUED, c.VerificationState.RUNNING)
        return running and job_delayed(person.verification_waiting_since, timezone.now())

    def get_counts(self, person) -> dict:
        """From the page's counts when the list computed them (a fixed number of queries a page),
        else for this one person."""
        counts = self.context.get("counts", {}).get(person.pk)
        return CountsSerializer(counts or person_year(person, with_claims=False).counts).data


class ContractSerializer(serializers.ModelSerializer):
    attachment = serializers.FileField(write_only=True, required=False, help_text="劳动合同（或编制本）")
    attachment_id = serializers.UUIDField(read_only=True)
    agreement = serializers.FileField(write_only=True, required=False,
                                      help_text="三方协议（劳务派遣协议）：劳务派遣人员必填，须与劳动合同是不同的文件")
    agreement_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = Contract
        fields = ["id", "is_dispatch", "relation", "related_unit", "contract_type", "start_date", "end_date", "job",
                  "monthly_wage", "dispatch_agency", "counts_here_stated", "si_payer", "mi_payer", "wage_payer",
                  "attachment", "attachment_id", "agreement", "agreement_id", "review_state"]
        read_only_fields = ["review_state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        employer = self.context.get("employer")
        related = RelatedUnit.objects.filter(employer=employer) if employer else RelatedUnit.objects.none()
        for key in ("related_unit", "dispatch_agency", "si_payer", "mi_payer", "wage_payer"):
            self.fields[key].queryset = related


class CertificateSerializer(serializers.ModelSerializer):
    number_masked = MaskedCertificateField(source="number")
    number = serializers.CharField(write_only=True)
    image = serializers.FileField(write_only=True, required=False)

    class Meta:
        model = Certificate
        fields = ["id", "number", "number_masked", "kind", "category", "grade", "valid_from", "valid_to", "source",
                  "image", "review_state"]
        read_only_fields = ["source", "review_state"]


class MonthCheckSerializer(serializers.ModelSerializer):
    item_label = serializers.CharField(source="get_item_display", read_only=True)

    class Meta:
        model = MonthCheck
        fields = ["month", "item", "item_label", "outcome", "reason", "asked_at"]


class MonthSelectionSerializer(serializers.Serializer):
    months = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=12), allow_empty=True)


class EvidenceSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
    months = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=12), write_only=True)
    check = serializers.ChoiceField(choices=c.Check.choices, write_only=True)
    upload_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "month", "item", "upload_id", "created_at", "file", "months", "check"]
        read_only_fields = ["month", "item", "created_at"]


# --- the declaration (issue 7) ------------------------------------------------------------------


class ReceiptRefSerializer(serializers.Serializer):
    reference = serializers.CharField()
    verification_code = serializers.CharField()
    document = serializers.UUIDField(source="document_id")


class DeclarationSerializer(serializers.Serializer):
    """One business year's declaration: state, headcount, window, persons' summary and totals."""

    id = serializers.IntegerField(allow_null=True, help_text="null: the unit has not started this year (未申报)")
    business_year = serializers.IntegerField()
    started = serializers.BooleanField(help_text="false until the first person or the headcount is saved")
    status = serializers.CharField()
    status_label = serializers.SerializerMethodField()
    headcount = serializers.IntegerField(allow_null=True)
    headcount_from_feed = serializers.IntegerField(allow_null=True)
    headcount_confirmed_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    certified_at = serializers.DateTimeField(allow_null=True)
    return_reason = serializers.CharField()
    submission_receipt = ReceiptRefSerializer(allow_null=True)
    filing_window = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    blockers = serializers.SerializerMethodField()

    def get_status_label(self, declaration) -> str:
        return declaration.get_status_display() if declaration.started else "未申报"

    def get_filing_window(self, declaration) -> dict | None:
        window = filing_window_of(declaration)
        return {"opens": window.opens, "closes": window.closes} if window else None

    def get_summary(self, declaration) -> dict:
        """已登记 / 审核通过(系统) / 审核通过(人工) / 部分审核不通过 / 审核不通过 / 待审核 / 资料待完善."""
        return predicates.status_summary(declaration)

    def get_blockers(self, declaration) -> list[str]:
        return predicates.submission_blockers(declaration) if declaration.is_draft else []


class SubmitSerializer(serializers.Serializer):
    commitment_accepted = serializers.BooleanField(help_text="已阅读并确认《申报资料真实性承诺书》")


class HeadcountSerializer(serializers.Serializer):
    headcount = serializers.IntegerField(min_value=1, max_value=10_000_000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class RequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    receipt = ReceiptRefSerializer(allow_null=True)


class WithdrawalSerializer(RequestSerializer):
    reason = serializers.CharField(max_length=500)
    after_certification = serializers.BooleanField(read_only=True)


class FeedbackSerializer(RequestSerializer):
    text = serializers.CharField(max_length=2000)
    attachments = serializers.SerializerMethodField()

    def get_attachments(self, request) -> list[str]:
        return [upload.original_name for upload in request.attachments.all()]


class DeregistrationSerializer(RequestSerializer):
    reason = serializers.CharField(max_length=500)


class RequestsSerializer(serializers.Serializer):
    withdrawals = WithdrawalSerializer(many=True)
    feedback = FeedbackSerializer(many=True)
    deregistrations = DeregistrationSerializer(many=True)


class WithdrawalInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class FeedbackInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)
