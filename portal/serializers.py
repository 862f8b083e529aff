"""Serializer fields shared by the apps' APIs."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.identity import mask_certificate, mask_id
from portal.models import Region

# A region as the API names it. `gb2260` tells generated clients (and the schemathesis run) that
# the code must be one of the current codes, which a pattern alone cannot say.
REGION_SCHEMA = {"type": "string", "pattern": "^[0-9]{6}$", "format": "gb2260",
                 "description": "6位GB/T 2260行政区划代码（如 310104），须为现行代码"}


@extend_schema_field(REGION_SCHEMA)
class RegionField(serializers.SlugRelatedField):
    """A region by its code; an unknown code is a rule refusal (422), not a malformed request."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Region.objects.all())
        kwargs.setdefault("error_messages", {"does_not_exist": "未知的行政区划代码 {value}",
                                             "invalid": "行政区划代码应为6位数字"})
        super().__init__(**kwargs)


class MaskedIdField(serializers.CharField):
    """An ID number in API output: first 6 and last 4 only. Read only."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return mask_id(str(value or ""))


class MaskedCertificateField(MaskedIdField):
    """A certificate number: its masked ID part only, category and grade hidden."""

    def to_representation(self, value):
        return mask_certificate(str(value or ""))
