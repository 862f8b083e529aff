"""Serializer fields shared by the apps' APIs."""

from rest_framework import serializers

from portal.identity import mask_certificate, mask_id


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
