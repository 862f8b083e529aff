"""The registries in the Django admin too (read and bulk views); staging cases is easier on the
模拟数据源 pages, which audit every edit."""

from django.contrib import admin

from portal.feeds.models import Certificate, IntakeSubmission, RegistryPerson, RegistryUnit


@admin.register(RegistryUnit)
class RegistryUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "si_number", "region_code", "origin"]
    search_fields = ["name", "=credit_code", "=si_number"]
    list_filter = ["origin"]


@admin.register(RegistryPerson)
class RegistryPersonAdmin(admin.ModelAdmin):
    list_display = ["name", "si_name", "sex", "birth_date", "retired", "death_date", "origin"]
    search_fields = ["name", "si_name", "=id_number"]
    list_filter = ["origin", "retired"]
    raw_id_fields = ["retiree_unit"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "category", "grade", "valid_from", "valid_to"]
    search_fields = ["=number"]
    raw_id_fields = ["person"]


@admin.register(IntakeSubmission)
class IntakeSubmissionAdmin(admin.ModelAdmin):
    list_display = ["reference", "unit_name", "business_year", "status", "received_at", "intake_number"]
    search_fields = ["reference", "unit_name", "=credit_code"]
    list_filter = ["status"]
