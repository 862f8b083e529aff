"""单位信息维护 for employers under /api/v1/unit/ (the same services as the pages)."""

from rest_framework import generics, status, viewsets
from rest_framework.response import Response

from employers.models import RelatedUnit
from employers.selectors import employer_for_agent, related_units_of
from employers.serializers import RelatedUnitSerializer, UnitSerializer
from employers.services import employer_update, related_unit_add, related_unit_delete, related_unit_update
from portal.access import HasRole
from portal.drf import FILE_PARSERS
from portal.exceptions import ValidationFailed
from portal.roles import EMPLOYER


class UnitView(generics.RetrieveUpdateAPIView):
    """本单位信息: read it, or change the editable fields (PATCH)."""

    permission_classes = [HasRole]
    allowed_roles = EMPLOYER
    serializer_class = UnitSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return employer_for_agent(self.request.user)

    def perform_update(self, serializer):
        serializer.instance = employer_update(
            actor=self.request.user, employer=serializer.instance, data=dict(serializer.validated_data)
        )


class RelatedUnitViewSet(viewsets.ModelViewSet):
    """关联单位 of the agent's unit. Adding one needs the proof file (multipart `evidence`)."""

    permission_classes = [HasRole]
    allowed_roles = EMPLOYER
    serializer_class = RelatedUnitSerializer
    parser_classes = FILE_PARSERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return RelatedUnit.objects.none()
        return related_units_of(employer_for_agent(self.request.user))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        evidence = data.pop("evidence", None)
        if evidence is None:
            raise ValidationFailed("请上传证明材料", field="evidence")
        unit = related_unit_add(actor=request.user, employer=employer_for_agent(request.user), data=data,
                                evidence_file=evidence)
        return Response(self.get_serializer(unit).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        evidence = data.pop("evidence", None)
        serializer.instance = related_unit_update(actor=self.request.user, unit=serializer.instance, data=data,
                                                  evidence_file=evidence)

    def perform_destroy(self, instance):
        related_unit_delete(actor=self.request.user, unit=instance)
