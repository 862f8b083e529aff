"""The unit's assessments through the API (`GET /api/v1/levy/assessments/` and
`/api/v1/levy/assessments/{collection_year}/`: every figure the pages show, from the same read
model), and the payment channel's callback (`POST /api/v1/levy/payments/notify`, a tax system's
token). Money and ratios are decimal strings."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from employers.selectors import employer_for_agent
from levy.choices import AssessmentMethod, Outcome
from levy.rules import plain, shown
from levy.selectors.assessment import AssessmentView, assessment_of_unit, assessment_view, assessments_of_unit
from levy.services.payment import payment_notify
from portal.access import HasRole
from portal.authentication import VerifiedSessionAuthentication
from portal.roles import ADMIN, EMPLOYER, TAX
from portal.tokens import SystemTokenAuthentication


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def assessment_summary(a) -> dict:
    return {"collection_year": a.collection_year, "data_year": a.data_year, "reference": a.reference,
            "method": a.method, "method_label": AssessmentMethod(a.method).label, "status": a.status,
            "status_label": a.get_status_display(), "outcome": a.outcome or None,
            "levy": _money(a.levy_amount) if a.record else None, "deadline": a.deadline,
            "submitted_at": a.submitted_at, "paid_on": a.paid_on}


def assessment_data(view: AssessmentView) -> dict:
    """Every figure the pages show, and the explanation (the same read model as the pages)."""
    a, r = view.assessment, view.result
    data = {
        **assessment_summary(a),
        "unit_name": a.employer.name, "credit_code": a.employer.credit_code, "si_code": a.si_code,
        "is_business_registered": a.is_business_registered, "is_concentrated": a.is_concentrated,
        "outcome": view.outcome or None, "outcome_label": Outcome(view.outcome).label if view.outcome else None,
        "exempt_reason": view.exempt_reason or None, "deadline": view.deadline,
        "monthly": None, "declared": None, "problems": view.problems,
    }
    if view.totals is not None:
        data["monthly"] = {
            "months": a.figures.get("months", []), "changes": a.figures.get("changes", {}),
            "base_total": _money(view.totals.base), "capped_base_total": _money(view.totals.capped_base),
            "missing_months": list(view.totals.missing_months),
        }
    if a.method == AssessmentMethod.DECLARED:
        data["declared"] = {"headcount": a.declared_headcount, "wage_total": _money(a.declared_wage_total)}
    if r is not None:
        data.update({
            "headcount": r.headcount, "average_wage_uncapped": _money(r.average_wage_uncapped),
            "capped_wage": _money(r.average_wage), "cap_applied": r.cap_applied,
            "disabled_count": str(shown(r.disabled_count)), "required_count": str(shown(r.required_count)),
            "ratio": plain(r.ratio), "actual_ratio": str(shown(r.actual_ratio)), "gross_levy": _money(r.gross_levy),
            "reduction_rule": r.reduction_rule, "reduction_label": r.reduction_label, "reduction": _money(r.reduction),
            "levy": _money(r.levy), "explanation": [step.to_json() for step in r.steps],
            "engine_version": (a.record or {}).get("engine_version"),
        })
    fee = view.fee_today
    data["late_fee_today"] = None if fee is None else {
        "days": fee.days, "fee": _money(fee.fee), "capped": fee.capped, "cap": _money(a.levy_amount)}
    data["owed_today"] = _money(view.owed_today)
    if a.adjustment is not None:
        data["adjustment"] = _money(a.adjustment)
    return data


# --- what the two reads answer (the schema; the views build the same dicts) --------------------------

def _nullable_money(help_text: str = "") -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text=help_text or "金额（元，两位小数的字符串）")


class AssessmentSummarySerializer(serializers.Serializer):
    collection_year = serializers.IntegerField(help_text="征收年份")
    data_year = serializers.IntegerField(help_text="数据年度（征收年份的上一年）")
    reference = serializers.CharField(help_text="统一审批编码")
    method = serializers.ChoiceField(choices=AssessmentMethod.choices)
    method_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_null=True, help_text="核定前为 null")
    levy = _nullable_money("应缴纳残保金；核定前为 null")
    deadline = serializers.DateField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    paid_on = serializers.DateField(allow_null=True)


class AssessmentListSerializer(serializers.Serializer):
    results = AssessmentSummarySerializer(many=True)


class MonthlySerializer(serializers.Serializer):
    months = serializers.ListField(child=serializers.DictField(), help_text="社保征缴基数逐月数据")
    changes = serializers.DictField(help_text="补缴、调整、退账、申报录入")
    base_total = serializers.CharField()
    capped_base_total = serializers.CharField()
    missing_months = serializers.ListField(child=serializers.IntegerField())


class DeclaredSerializer(serializers.Serializer):
    headcount = serializers.IntegerField(allow_null=True)
    wage_total = _nullable_money()


class LateFeeTodaySerializer(serializers.Serializer):
    days = serializers.IntegerField()
    fee = serializers.CharField()
    capped = serializers.BooleanField()
    cap = _nullable_money()


class AssessmentDetailSerializer(AssessmentSummarySerializer):
    unit_name = serializers.CharField()
    credit_code = serializers.CharField()
    si_code = serializers.CharField(allow_blank=True)
    is_business_registered = serializers.BooleanField(allow_null=True)
    is_concentrated = serializers.BooleanField(allow_null=True)
    outcome_label = serializers.CharField(allow_null=True)
    exempt_reason = serializers.CharField(allow_null=True)
    monthly = MonthlySerializer(allow_null=True, help_text="社保征缴基数核定方式的逐月数据；其他方式为 null")
    declared = DeclaredSerializer(allow_null=True, help_text="申报表核定方式的申报数据；其他方式为 null")
    problems = serializers.ListField(child=serializers.CharField())
    headcount = serializers.IntegerField(required=False, help_text="以下各项在可以计算时给出")
    average_wage_uncapped = serializers.CharField(required=False)
    capped_wage = serializers.CharField(required=False)
    cap_applied = serializers.BooleanField(required=False)
    disabled_count = serializers.CharField(required=False)
    required_count = serializers.CharField(required=False)
    ratio = serializers.CharField(required=False)
    actual_ratio = serializers.CharField(required=False)
    gross_levy = serializers.CharField(required=False)
    reduction_rule = serializers.CharField(required=False, allow_blank=True)
    reduction_label = serializers.CharField(required=False, allow_blank=True)
    reduction = serializers.CharField(required=False)
    explanation = serializers.ListField(child=serializers.DictField(), required=False, help_text="计算过程，逐步")
    engine_version = serializers.CharField(required=False, allow_null=True)
    late_fee_today = LateFeeTodaySerializer(allow_null=True, help_text="逾期时今日的滞纳金；未逾期为 null")
    owed_today = _nullable_money("今日应缴合计")
    adjustment = serializers.CharField(required=False, help_text="重新认证后的应补（正）或应退（负）")


class AssessmentListView(APIView):
    """The unit's assessments by collection year, newest first."""

    allowed_roles = EMPLOYER
    permission_classes = [HasRole]

    @extend_schema(summary="残保金征缴（本单位，按征收年份）", tags=["残保金"], responses={200: AssessmentListSerializer},
                   operation_id="levy_assessments_list")
    def get(self, request):
        employer = employer_for_agent(request.user)
        rows = assessments_of_unit(employer).order_by("-collection_year", "-created_at")
        return Response({"results": [assessment_summary(a) for a in rows]})


class AssessmentDetailView(APIView):
    """One collection year's live assessment with every figure and the explanation."""

    allowed_roles = EMPLOYER
    permission_classes = [HasRole]

    @extend_schema(summary="残保金征缴详情（本单位）", tags=["残保金"], responses={200: AssessmentDetailSerializer},
                   operation_id="levy_assessment_retrieve")
    def get(self, request, collection_year: int):
        employer = employer_for_agent(request.user)
        assessment = assessment_of_unit(employer=employer, collection_year=collection_year)
        if assessment is None:
            raise Http404("本年度尚未办理残保金征缴")
        return Response(assessment_data(assessment_view(assessment)))


class NotifySerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=40, help_text="缴费单号")
    status = serializers.ChoiceField(choices=["paid", "failed"], error_messages={"invalid_choice": "status 应为 paid 或 failed"})
    bank_reference = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    message = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)


class NotifyResultSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="缴费单号")
    status = serializers.CharField(help_text="缴费单的状态")
    assessment_status = serializers.CharField(help_text="征缴事项的办理状态")


class PaymentNotifyView(APIView):
    """缴费渠道回调: the channel (a tax system's token, scoped to its tax region) says an order was
    paid or failed. Unknown orders are refused (422), already settled ones too (409); nothing
    changes."""

    authentication_classes = [SystemTokenAuthentication, VerifiedSessionAuthentication]
    permission_classes = [HasRole]
    allowed_roles = TAX | ADMIN

    @extend_schema(summary="缴费结果通知（缴费渠道）", tags=["残保金"], request=NotifySerializer,
                   responses={200: NotifyResultSerializer})
    def post(self, request):
        form = NotifySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        payment = payment_notify(actor=request.user, **form.validated_data)
        return Response({"reference": payment.reference, "status": payment.status,
                         "assessment_status": payment.assessment.status})
