from rest_framework import serializers

from employers.models import RelatedUnit
from placement import choices as c
from placement.models import Certificate, Contract, Evidence, MonthCheck, PlacedPerson
from portal.models import Region
from portal.serializers import MaskedCertificateField, MaskedIdField


class CountsSerializer(serializers.Serializer):
    registered = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    approved = serializers.IntegerField()
    rejected = serializers.IntegerField()
    disabled_count = serializers.SerializerMethodField()

    def get_disabled_count(self, counts) -> str:
        return f"{counts.disabled_count.numerator}/{counts.disabled_count.denominator}"


class PersonSerializer(serializers.ModelSerializer):
    """安置人员: the ID number is write-only in full and read masked."""

    id_number_masked = MaskedIdField(source="id_number")
    id_number = serializers.CharField(write_only=True)
    hukou_region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), required=False,
                                                allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    # men need none; for women the service asks for F50 / F55 with a message that says so
    retirement_category = serializers.CharField(required=False, allow_blank=True, max_length=3)
    business_year = serializers.IntegerField(source="declaration.business_year", read_only=True)
    counts = serializers.SerializerMethodField()

    class Meta:
        model = PlacedPerson
        fields = [
            "id", "business_year", "id_number", "id_number_masked", "name", "sex", "birth_date", "hukou_type",
            "hukou_region", "hukou_address", "phone", "education", "guardian_name", "guardian_phone", "is_graduate",
            "degree", "school", "graduation_year", "retirement_category", "status", "status_label", "confirmed_by",
            "wizard_step", "registered_at", "reviewed_at", "verification_state", "verification_done",
            "verification_total", "counts",
        ]
        read_only_fields = ["sex", "birth_date", "status", "confirmed_by", "wizard_step", "registered_at",
                            "reviewed_at", "verification_state", "verification_done", "verification_total"]

    def get_counts(self, person) -> dict:
        from placement.selectors import person_counts

        return CountsSerializer(person_counts(person)).data


class ContractSerializer(serializers.ModelSerializer):
    attachment = serializers.FileField(write_only=True, required=False)
    attachment_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Contract
        fields = ["id", "is_dispatch", "relation", "related_unit", "contract_type", "start_date", "end_date", "job",
                  "monthly_wage", "dispatch_agency", "counts_here_stated", "si_payer", "mi_payer", "wage_payer",
                  "attachment", "attachment_id", "review_state"]
        read_only_fields = ["review_state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        employer = self.context.get("employer")
        related = RelatedUnit.objects.filter(employer=employer) if employer else RelatedUnit.objects.none()
        for key in ("related_unit", "dispatch_agency", "si_payer", "mi_payer", "wage_payer"):
            self.fields[key].queryset = related


class CertificateSerializer(serializers.ModelSerializer):
    number_masked = MaskedCertificateField(source="number")
    number = serializers.CharField(write_only=True)
    image = serializers.FileField(write_only=True, required=False)

    class Meta:
        model = Certificate
        fields = ["id", "number", "number_masked", "kind", "category", "grade", "valid_from", "valid_to", "source",
                  "image", "review_state"]
        read_only_fields = ["source", "review_state"]


class MonthCheckSerializer(serializers.ModelSerializer):
    item_label = serializers.CharField(source="get_item_display", read_only=True)

    class Meta:
        model = MonthCheck
        fields = ["month", "item", "item_label", "outcome", "reason", "asked_at"]


class MonthSelectionSerializer(serializers.Serializer):
    months = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=12), allow_empty=True)


class EvidenceSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
    months = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=12), write_only=True)
    check = serializers.ChoiceField(choices=c.Check.choices, write_only=True)
    upload_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "month", "item", "upload_id", "created_at", "file", "months", "check"]
        read_only_fields = ["month", "item", "created_at"]
