"""/api/v1/placement/: the employer's placed persons and their wizard steps, through the same
services as the pages."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from employers.selectors import employer_for_agent
from placement.models import AnnualDeclaration, PlacedPerson
from placement.registry import prefill_lookup
from placement.selectors.declaration import declaration_of, requests_of
from placement.selectors.scope import persons_visible
from placement.selectors.year import person_years, weight_rule_of
from placement.serializers import (
    CertificateSerializer,
    ContractSerializer,
    DeclarationSerializer,
    EvidenceSerializer,
    FeedbackInputSerializer,
    FeedbackSerializer,
    HeadcountSerializer,
    MonthCheckSerializer,
    MonthSelectionSerializer,
    PersonSerializer,
    RequestsSerializer,
    SubmitSerializer,
    WithdrawalInputSerializer,
    WithdrawalSerializer,
)
from placement.services import declaration as declarations
from placement.services import wizard as services
from placement.years import selected_year
from portal.access import HasRole
from portal.drf import FILE_PARSERS
from portal.roles import EMPLOYER


class EmployerScoped:
    permission_classes = [HasRole]
    allowed_roles = EMPLOYER

    def person(self) -> PlacedPerson:
        return get_object_or_404(persons_visible(self.request.user), pk=self.kwargs["person_pk"])


class PersonViewSet(EmployerScoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """安置人员 of the business year (?year=, default the current one)."""

    serializer_class = PersonSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlacedPerson.objects.none()
        return persons_visible(self.request.user).filter(declaration__business_year=selected_year(self.request))

    def list(self, request, *args, **kwargs):
        """The page's persons with their counts from two grouped queries (not three per person)."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).prefetch_related("certificates"))
        persons = list(page)
        declaration = persons[0].declaration if persons else None
        years = person_years(persons, declaration.business_year, weight_rule_of(declaration)) if persons else []
        serializer = self.get_serializer(persons, many=True, context={
            **self.get_serializer_context(), "counts": {model.person.pk: model.counts for model in years}})
        return self.get_paginated_response(serializer.data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        id_number = data.pop("id_number")
        declaration = declaration_of(employer=employer_for_agent(request.user), business_year=selected_year(request))
        prefill = prefill_lookup(id_number=id_number, year=declaration.business_year)
        person = services.person_create(actor=request.user, declaration=declaration, id_number=id_number, data=data,
                                        prefilled=prefill.found, registry_certificates=prefill.certificates)
        return Response(self.get_serializer(person).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("id_number", None)
        serializer.instance = services.person_update(actor=self.request.user, person=serializer.instance, data=data)

    def perform_destroy(self, instance):
        services.person_delete(actor=self.request.user, person=instance)

    @extend_schema(request=None, responses=PersonSerializer)
    @action(detail=True, methods=["post"], url_path="submit-step1")
    def submit_step1(self, request, pk=None):
        """保存，下一步: start the month verification."""
        person = services.step1_complete(actor=request.user, person=self.get_object())
        return Response(self.get_serializer(person).data)

    @extend_schema(request=None, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """重新校验: ask the registries again."""
        person = services.person_recheck(actor=request.user, person=self.get_object())
        return Response(self.get_serializer(person).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=MonthCheckSerializer(many=True))
    @action(detail=True, methods=["get"])
    def months(self, request, pk=None):
        """信息校验: every cell of the grid."""
        person = self.get_object()
        return Response(MonthCheckSerializer(person.checks.all(), many=True).data)

    @extend_schema(request=MonthSelectionSerializer, responses=PersonSerializer)
    @action(detail=True, methods=["post"], url_path="select-months")
    def select_months(self, request, pk=None):
        """勾选安置登记月份 (months that passed every check stay selected for non-dispatched persons).
        With no material to upload and nothing to review the registration completes, as on the page."""
        person = self.get_object()  # scope first: someone else's person is a 404, whatever the body
        serializer = MonthSelectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.months_select(actor=request.user, person=person,
                                        months=set(serializer.validated_data["months"]))
        return Response(self.get_serializer(person).data)

    @extend_schema(request=None, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """完成登记."""
        person = services.registration_complete(actor=request.user, person=self.get_object())
        return Response(self.get_serializer(PlacedPerson.objects.get(pk=person.pk)).data)


class ContractViewSet(EmployerScoped, mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                      viewsets.GenericViewSet):
    """合同管理 of one person (a file is required: multipart `attachment`)."""

    serializer_class = ContractSerializer
    parser_classes = FILE_PARSERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlacedPerson.objects.none()
        return self.person().contracts.all()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and "person_pk" in self.kwargs:
            context["employer"] = self.person().declaration.employer
        return context

    def create(self, request, *args, **kwargs):
        person = self.person()  # scope first
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        attachment, agreement = data.pop("attachment", None), data.pop("agreement", None)
        contract, warnings = services.contract_save(actor=request.user, person=person, data=data,
                                                    attachment_file=attachment, agreement_file=agreement)
        return Response({**self.get_serializer(contract).data, "warnings": warnings}, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.contract_delete(actor=self.request.user, contract=instance)


class CertificateViewSet(EmployerScoped, mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                         viewsets.GenericViewSet):
    """残疾证管理 of one person; adding one by hand needs its image (multipart `image`)."""

    serializer_class = CertificateSerializer
    parser_classes = FILE_PARSERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlacedPerson.objects.none()
        return self.person().certificates.all()

    def create(self, request, *args, **kwargs):
        person = self.person()  # scope first
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        image = data.pop("image", None)
        certificate = services.certificate_add_manual(actor=request.user, person=person, data=data,
                                                      image_file=image)
        return Response(self.get_serializer(certificate).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.certificate_delete(actor=self.request.user, certificate=instance)


class EvidenceViewSet(EmployerScoped, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """上传附件: material for one failed check and the months it proves (multipart)."""

    serializer_class = EvidenceSerializer
    parser_classes = FILE_PARSERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlacedPerson.objects.none()
        return self.person().evidence.all()

    def create(self, request, *args, **kwargs):
        person = self.person()  # scope first
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rows = services.evidence_add(actor=request.user, person=person, check=data["check"],
                                     months=data["months"], file=data["file"])
        return Response(self.get_serializer(rows, many=True).data, status=status.HTTP_201_CREATED)


# --- the declaration (issue 7): /api/v1/placement/declaration/… ----------------------------------


class DeclarationBase(EmployerScoped, APIView):
    """The agent's declaration of the business year (?year=, default the current one)."""

    def declaration(self):
        """The year's declaration; unsaved (未申报) until the first write, which files it."""
        return declaration_of(employer=employer_for_agent(self.request.user), business_year=selected_year(self.request))

    def show(self, declaration, status_code=status.HTTP_200_OK):
        if declaration.started:
            declaration = AnnualDeclaration.objects.select_related("submission_receipt").get(pk=declaration.pk)
        return Response(DeclarationSerializer(declaration).data, status=status_code)


class DeclarationView(DeclarationBase):
    @extend_schema(responses=DeclarationSerializer)
    def get(self, request):
        """年审申报: state, headcount (null, 待确认, while the registry's figure is being fetched), filing
        window, the persons' summary and what blocks 完成申报."""
        declaration = self.declaration()
        declarations.headcount_prefill_request(declaration=declaration)
        return self.show(declaration)


class DeclarationSubmitView(DeclarationBase):
    @extend_schema(request=SubmitSerializer, responses={200: DeclarationSerializer})
    def post(self, request):
        """完成申报 (409 with code already_submitted when another tab was first)."""
        data = _valid(SubmitSerializer, request)
        return self.show(declarations.declaration_submit(actor=request.user, declaration=self.declaration(),
                                                         commitment_accepted=data["commitment_accepted"]))


class HeadcountConfirmView(DeclarationBase):
    @extend_schema(request=HeadcountSerializer, responses={200: DeclarationSerializer})
    def post(self, request):
        """确认在职职工人数 (a correction needs a reason)."""
        data = _valid(HeadcountSerializer, request)
        return self.show(declarations.headcount_confirm(actor=request.user, declaration=self.declaration(),
                                                        headcount=data["headcount"], reason=data.get("reason", "")))


class DeclarationRequestsView(DeclarationBase):
    @extend_schema(responses=RequestsSerializer)
    def get(self, request):
        """年审申报撤回, 年审认证反馈 and 单位注销安置登记 of the unit (this year's, and the unit's)."""
        return Response(RequestsSerializer(requests_of(self.declaration())).data)


class WithdrawalCreateView(DeclarationBase):
    @extend_schema(request=WithdrawalInputSerializer, responses={201: WithdrawalSerializer})
    def post(self, request):
        """年审申报撤回: the reason; a receipt comes back."""
        data = _valid(WithdrawalInputSerializer, request)
        created = declarations.withdrawal_request_submit(actor=request.user, declaration=self.declaration(),
                                                         reason=data["reason"])
        return Response(WithdrawalSerializer(created).data, status=status.HTTP_201_CREATED)


class FeedbackCreateView(DeclarationBase):
    parser_classes = FILE_PARSERS

    @extend_schema(request={"multipart/form-data": FeedbackInputSerializer}, responses={201: FeedbackSerializer})
    def post(self, request):
        """年审认证反馈: text and attachments (multipart `files`), once certified."""
        data = _valid(FeedbackInputSerializer, request)
        created = declarations.feedback_submit(actor=request.user, declaration=self.declaration(), text=data["text"],
                                               files=data.get("files") or [])
        return Response(FeedbackSerializer(created).data, status=status.HTTP_201_CREATED)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
