"""GET /api/v1/tax/levy-assessments: levy assessments for tax-bureau systems, with the same system
tokens and scoping as /api/v1/tax/certified-results (a token sees units whose 税务主管部门 lies in
its region). Paginated; filters year (征收年份), region, status, outcome, updated_since."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from backoffice.levy_filters import AssessmentFilter
from levy.api.assessment import assessment_summary
from levy.choices import AssessmentStatus
from levy.models import LevyAssessment
from levy.selectors.assessment import assessments_visible, late_fee_of_row
from portal.access import HasRole
from portal.authentication import VerifiedSessionAuthentication
from portal.drf import StrictFilterBackend
from portal.roles import ADMIN, TAX
from portal.serializers import REGION_SCHEMA
from portal.tokens import SystemTokenAuthentication


class AssessmentSerializer(serializers.Serializer):
    def to_representation(self, a):
        from django.utils import timezone

        fee = late_fee_of_row(a, timezone.localdate())
        return {
            **assessment_summary(a), "credit_code": a.employer.credit_code, "unit_name": a.employer.name,
            "tax_region": a.employer.tax_region_id, "headcount": a.headcount,
            "disabled_count": f"{a.disabled_numerator}/{a.disabled_denominator}",
            "gross_levy": f"{a.gross_levy:.2f}", "reduction": f"{a.reduction:.2f}",
            "paid_amount": None if a.paid_amount is None else f"{a.paid_amount:.2f}",
            "late_fee_today": None if fee is None else f"{fee.fee:.2f}", "updated_at": a.updated_at,
        }


@extend_schema(
    summary="残保金征缴（税务系统）", tags=["残保金"],
    parameters=[
        OpenApiParameter("year", {"type": "integer", "minimum": 2000, "maximum": 2100}, description="征收年份"),
        OpenApiParameter("region", REGION_SCHEMA, description="税务主管部门行政区划代码（须在令牌区域内，含下级）"),
        OpenApiParameter("status", OpenApiTypes.STR, enum=[*AssessmentStatus.values, "all"],
                         description="办理状态；all 或不传为全部"),
        OpenApiParameter("updated_since", OpenApiTypes.DATETIME, description="只返回此时间（含）之后更新的记录"),
    ],
)
class AssessmentsView(generics.ListAPIView):
    """Assessments of the caller's tax region, oldest update first (stable for paging)."""

    authentication_classes = [SystemTokenAuthentication, VerifiedSessionAuthentication]
    permission_classes = [HasRole]
    allowed_roles = TAX | ADMIN
    serializer_class = AssessmentSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = AssessmentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LevyAssessment.objects.none()
        return assessments_visible(self.request.user).order_by("updated_at", "pk")
