from rest_framework import serializers

from insurance import choices as c
from insurance.models import InsuranceBatch, InsuranceCode


class CodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = InsuranceCode
        fields = ["id", "code", "unit_name", "credit_code", "economic_type", "address", "postal_code", "name_approved"]


class BatchSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="code.code", read_only=True)
    type = serializers.CharField(source="kind", read_only=True)
    type_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    plan_year = serializers.IntegerField(source="plan_year.year", read_only=True)
    member_count = serializers.SerializerMethodField()

    class Meta:
        model = InsuranceBatch
        fields = ["id", "number", "code", "type", "type_label", "plan_year", "status", "status_label", "payment_method",
                  "withholding_amount", "verify_state", "verify_done", "verify_total", "member_count", "updated_at"]

    def get_member_count(self, batch) -> int:
        return batch.members.filter(deleted_at__isnull=True).count()


class BatchCreateSerializer(serializers.Serializer):
    """POST /api/v1/insurance/batches/: which code, 集中 or 即时, and (optionally now) the payment method."""

    code = serializers.CharField(max_length=20)
    type = serializers.ChoiceField(choices=c.BatchKind.choices)
    payment_method = serializers.ChoiceField(choices=c.PaymentMethod.choices, required=False, allow_blank=True)
    withholding_amount = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    withholding_form = serializers.FileField(required=False, allow_null=True)


class RosterUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
