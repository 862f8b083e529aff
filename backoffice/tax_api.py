"""GET /api/v1/tax/certified-results: certified placement results for tax-bureau systems.

Authenticated with a system token (`Authorization: Bearer tx_…`, issued per tax region on
/console/tokens/); a wrong, revoked or missing token is a 401. A token sees only units whose
税务主管部门 lies in its region (the same selector as the tax officers' console); tax officers
signed in to the portal may call it too. Paginated, filterable by year, region and update time."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from levy.models import CertifiedFigures
from levy.rules import round_half_up
from levy.selectors import certified_results_visible
from placement.filters import TaxResultFilter
from portal.access import HasRole
from portal.authentication import VerifiedSessionAuthentication
from portal.drf import StrictFilterBackend
from portal.roles import ADMIN, TAX
from portal.serializers import REGION_SCHEMA
from portal.tokens import SystemTokenAuthentication


class CertifiedResultSerializer(serializers.ModelSerializer):
    credit_code = serializers.CharField(source="employer.credit_code", help_text="统一社会信用代码")
    unit_name = serializers.CharField(source="employer.name", help_text="单位名称")
    tax_region = serializers.CharField(source="employer.tax_region_id", help_text="税务主管部门（行政区划代码）")
    tax_region_name = serializers.CharField(source="employer.tax_region.full_name", help_text="税务主管部门")
    disabled_count = serializers.SerializerMethodField(help_text="安排残疾人就业人数（保留两位小数）")
    disabled_exact = serializers.SerializerMethodField(help_text="安排残疾人就业人数（精确分数，如 35/12）")
    local_disabled_exact = serializers.SerializerMethodField(help_text="其中本地户籍人数（精确分数）")
    recorded_at = serializers.DateTimeField(help_text="认定（记录）时间")
    state = serializers.CharField(source="status", help_text="active：有效；cancelled：已作废（申报重新打开，待重新认定）")
    cancelled_at = serializers.DateTimeField(allow_null=True, help_text="作废时间")
    cancel_reason = serializers.CharField(help_text="作废原因（未作废时为空）")
    updated_at = serializers.DateTimeField(help_text="最近一次记录、作废或重新认定的时间（updated_since 据此筛选）")

    class Meta:
        model = CertifiedFigures
        fields = ["credit_code", "unit_name", "tax_region", "tax_region_name", "business_year", "headcount",
                  "disabled_count", "disabled_exact", "local_disabled_exact", "person_months_by_weight",
                  "certificate_reference", "recorded_at", "state", "cancelled_at", "cancel_reason", "updated_at"]

    def get_disabled_count(self, obj) -> str:
        return str(round_half_up(obj.disabled_count, 2))

    def get_disabled_exact(self, obj) -> str:
        return f"{obj.disabled_numerator}/{obj.disabled_denominator}"

    def get_local_disabled_exact(self, obj) -> str:
        return f"{obj.local_numerator}/{obj.local_denominator}"


@extend_schema(
    summary="认定结果（税务系统）",
    parameters=[
        OpenApiParameter("year", {"type": "integer", "minimum": 2000, "maximum": 2100}, description="业务年度"),
        OpenApiParameter("region", REGION_SCHEMA, description="税务主管部门行政区划代码（须在令牌区域内，含下级）"),
        OpenApiParameter("state", OpenApiTypes.STR, enum=["active", "cancelled"],
                         description="认定状态：active 有效，cancelled 已作废（不传则两者都返回）"),
        OpenApiParameter("updated_since", OpenApiTypes.DATETIME,
                         description="只返回此时间（含）之后记录或更新的结果，ISO 8601，如 2026-03-01T00:00:00+08:00"),
    ],
)
class CertifiedResultsView(generics.ListAPIView):
    """Certified results of the caller's tax region, newest update last (stable for paging)."""

    authentication_classes = [SystemTokenAuthentication, VerifiedSessionAuthentication]
    permission_classes = [HasRole]
    allowed_roles = TAX | ADMIN
    serializer_class = CertifiedResultSerializer

    filter_backends = [StrictFilterBackend]
    filterset_class = TaxResultFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CertifiedFigures.objects.none()
        return certified_results_visible(self.request.user).order_by("updated_at", "pk")
