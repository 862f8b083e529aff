"""The portal's own endpoints (who am I, my notices). The API plumbing is in portal.drf; apps add
their routes under /api/v1/ in portal/urls.py."""

from django.conf import settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import generics, serializers

from portal.access import HasRole
from portal.notices import notices_with_read_flag
from portal.roles import EVERYONE


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    region = serializers.CharField(source="region.code", default=None, allow_null=True,
                                   help_text="工作人员的行政区划代码；用人单位经办人为 null")


class MeView(generics.RetrieveAPIView):
    """当前登录用户"""

    permission_classes = [HasRole]
    allowed_roles = EVERYONE
    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    kind = serializers.CharField()
    published_at = serializers.DateTimeField()
    is_read = serializers.BooleanField()


class NoticeListView(generics.ListAPIView):
    """通知公告 visible to the signed-in user, newest first."""

    permission_classes = [HasRole]
    allowed_roles = EVERYONE
    serializer_class = NoticeSerializer

    def get_queryset(self):
        return notices_with_read_flag(self.request.user)


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema: open in the embedded default, signed-in users only in production."""

    public = settings.API_DOCS_PUBLIC
    allowed_roles = EVERYONE
    permission_classes = [HasRole]


class DocsView(SpectacularSwaggerSplitView):
    public = settings.API_DOCS_PUBLIC
    allowed_roles = EVERYONE
    permission_classes = [HasRole]
