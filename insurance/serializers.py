from rest_framework import serializers

from insurance import choices as c
from insurance.models import InsuranceBatch, InsuranceCode, InsuredMember
from portal.identity import mask_id


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


class AmountsSerializer(serializers.Serializer):
    """A batch's money (DOMAIN.md §3): unit_due = members × premium − withheld × withholding_amount;
    the voucher rows' totals against it, and what still stands in the way of 提交审核."""

    members = serializers.IntegerField(help_text="申请参保总人数")
    premium = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="参保费用（元/人）")
    total = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="参保总费用")
    withholding_requested = serializers.IntegerField(help_text="申请代扣人数（代扣结果返回后）")
    withheld = serializers.IntegerField(help_text="代扣成功人数")
    withholding_failed = serializers.IntegerField(help_text="代扣失败人数")
    withholding_amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="代扣金额（元/人）")
    withheld_total = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="个人代扣合计")
    unit_paying_members = serializers.IntegerField(help_text="需单位缴费参保人数")
    unit_due = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="需单位缴纳参保费用")
    vouchers_paid = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="缴费凭证合计")
    refunded = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="退多余款合计")
    receipted = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="电子票据合计")
    excess = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="多缴金额")
    problems = serializers.ListField(child=serializers.CharField(), help_text="提交凭证审核前须解决的问题")


def amounts_data(state) -> dict:
    figures, check = state.settlement, state.check
    return {
        "members": figures.members, "premium": figures.premium, "total": figures.total,
        "withholding_requested": figures.requested, "withheld": figures.withheld,
        "withholding_failed": figures.failed, "withholding_amount": figures.amount,
        "withheld_total": figures.withheld_total, "unit_paying_members": figures.unit_paying_members,
        "unit_due": figures.unit_due, "vouchers_paid": check.paid, "refunded": check.refunded,
        "receipted": check.receipted, "excess": check.excess,
        "problems": [message for _section, message in state.problems()],
    }


class MemberSerializer(serializers.ModelSerializer):
    """A member as the unit's lists show it: the document number masked."""

    id_number = serializers.SerializerMethodField()
    result_label = serializers.CharField(source="get_result_display", read_only=True)
    withholding_result_label = serializers.CharField(source="get_withholding_result_display", read_only=True)

    class Meta:
        model = InsuredMember
        fields = ["id", "name", "id_type", "id_number", "si_number", "result", "result_label", "withholding",
                  "withholding_result", "withholding_result_label", "withheld_amount", "coverage_start",
                  "coverage_end"]

    def get_id_number(self, member) -> str:
        return mask_id(member.id_number)
