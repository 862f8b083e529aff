"""/api/v1/insurance/: the unit's codes, batches and roster import, through the same services as
the pages. A roster that breaks the rules answers 400 with every bad row:
{"errors": [{"row": 5, "column": "*证件号码", "message": "…"}, {"column": "…", "message": "…"}]}
(row numbers as the spreadsheet shows them; a problem of the whole file has no row)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from employers.selectors import employer_for_agent
from insurance.models import InsuredMember
from insurance.selectors.members import active_members
from insurance.selectors.money import voucher_state
from insurance.selectors.scope import batches_visible, codes_visible
from insurance.serializers import (
    AmountsSerializer,
    BatchCreateSerializer,
    BatchSerializer,
    CodeSerializer,
    MemberSerializer,
    RosterUploadSerializer,
    amounts_data,
)
from insurance.services import batches as batch_services
from insurance.services import roster as roster_services
from insurance.sheets import ROSTER_TEMPLATE
from portal.access import HasRole
from portal.drf import FILE_PARSERS, Pagination
from portal.exceptions import ValidationFailed
from portal.roles import EMPLOYER
from portal.spreadsheets import template_workbook
from portal.uploads import XLSX


class AgentView(APIView):
    permission_classes = [HasRole]
    allowed_roles = EMPLOYER


class CodeListView(AgentView):
    @extend_schema(responses=CodeSerializer(many=True))
    def get(self, request):
        """The unit's 参保编码."""
        return Response(CodeSerializer(codes_visible(request.user).order_by("code"), many=True).data)


class BatchListView(AgentView):
    parser_classes = FILE_PARSERS  # the 委托代扣款申请表 may come with the batch
    @extend_schema(responses=BatchSerializer(many=True))
    def get(self, request):
        """The unit's batches, newest first (deleted ones are gone)."""
        qs = batches_visible(request.user).order_by("-updated_at", "-id")[:200]
        return Response(BatchSerializer(qs, many=True).data)

    @extend_schema(request=BatchCreateSerializer, responses={201: BatchSerializer})
    def post(self, request):
        """集中参保办理 / 即时参保办理 under one of the unit's codes."""
        employer = employer_for_agent(request.user)
        serializer = BatchCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        code = codes_visible(request.user).filter(code=data["code"]).first()
        if code is None:
            raise ValidationFailed("请选择本单位已审核通过的参保编码", field="code")
        batch = batch_services.batch_create(
            actor=request.user, employer=employer, code=code, kind=data["type"],
            payment_method=data.get("payment_method") or "", withholding_amount=data.get("withholding_amount"),
            withholding_form=data.get("withholding_form"))
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)


class BatchDetailView(AgentView):
    @extend_schema(responses=BatchSerializer)
    def get(self, request, pk):
        """One batch: its status and the verification's progress."""
        return Response(BatchSerializer(get_object_or_404(batches_visible(request.user), pk=pk)).data)


class RosterTemplateView(AgentView):
    @extend_schema(responses={(200, XLSX): bytes})
    def get(self, request):
        """参保名单导入模板 (xlsx)."""
        response = HttpResponse(template_workbook(ROSTER_TEMPLATE), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
        return response


class RosterImportView(AgentView):
    parser_classes = FILE_PARSERS

    @extend_schema(request=RosterUploadSerializer, responses={201: dict, 400: dict})
    def post(self, request, pk):
        """导入参保名单: all or nothing; 400 lists every bad row, 201 gives the member count."""
        batch = get_object_or_404(batches_visible(request.user), pk=pk)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed("请上传参保名单文件（字段名 file）", field="file")
        try:
            batch = roster_services.batch_import_roster(actor=request.user, batch=batch, file=upload)
        except roster_services.RosterRejected as rejected:
            return Response({"detail": rejected.message, "errors": rejected.as_list()},
                            status=status.HTTP_400_BAD_REQUEST)
        count = batch.members.filter(deleted_at__isnull=True).count()
        return Response({"id": batch.pk, "status": batch.status, "member_count": count},
                        status=status.HTTP_201_CREATED)


class BatchAmountsView(AgentView):
    @extend_schema(responses=AmountsSerializer)
    def get(self, request, pk):
        """A batch's amounts due: 参保总费用, the withholding results, 需单位缴纳参保费用 (DOMAIN.md §3)
        and how the voucher rows stand against it."""
        batch = get_object_or_404(batches_visible(request.user), pk=pk)
        return Response(AmountsSerializer(amounts_data(voucher_state(batch))).data)


class BatchMembersView(AgentView, generics.ListAPIView):
    """A batch's members (document numbers masked), 50 a page, with 代扣结果 and the coverage dates."""

    serializer_class = MemberSerializer
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InsuredMember.objects.none()
        batch = get_object_or_404(batches_visible(self.request.user), pk=self.kwargs["pk"])
        return active_members(batch).order_by("row_number", "pk")
