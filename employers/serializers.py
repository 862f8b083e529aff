from rest_framework import serializers

from employers.models import Employer, RelatedUnit
from portal.serializers import MaskedIdField, RegionField

UNIT_WRITABLE = [
    "tax_registration_no", "unit_nature", "economic_nature", "industry", "fed_region", "tax_region", "admin_region",
    "legal_rep_name", "legal_rep_id_type", "legal_rep_phone", "org_code", "unit_phone", "last_year_headcount",
    "agent_name", "agent_phone", "business_address", "registered_address", "si_code", "is_business_registered",
    "is_concentrated", "insurance_code", "union_district", "postal_code", "economic_type",
]


class UnitSerializer(serializers.ModelSerializer):
    """单位信息. The legal representative's number is write-only in full and read masked."""

    fed_region = RegionField()
    tax_region = RegionField()
    admin_region = RegionField()
    legal_rep_id_masked = MaskedIdField(source="legal_rep_id_number")
    legal_rep_id_number = serializers.CharField(write_only=True, required=False)
    unit_kind = serializers.CharField(read_only=True)
    unit_kind_label = serializers.CharField(read_only=True)

    class Meta:
        model = Employer
        fields = ["name", "credit_code", "unit_kind", "unit_kind_label", "legal_rep_id_masked",
                  "legal_rep_id_number", *UNIT_WRITABLE]
        read_only_fields = ["name", "credit_code"]


class RelatedUnitSerializer(serializers.ModelSerializer):
    region = RegionField()
    evidence = serializers.FileField(write_only=True, required=False)
    evidence_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = RelatedUnit
        fields = ["id", "relation", "region", "credit_code", "tax_registration_no", "org_code", "name", "phone",
                  "address", "evidence", "evidence_id"]
