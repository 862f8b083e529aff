"""The plan-year configuration and the working-day table in the Django admin. Administrators edit
them with a reason; every change lands in the audit trail as old → new (the levy policy table's
service and history column, reused)."""

from django.contrib import admin

from insurance.models import (
    CalendarDay,
    CodeApplication,
    InsuranceBatch,
    InsuranceCode,
    PlanYear,
    UnitNameChange,
    WithholdingRun,
)
from levy.admin import PolicyAdmin


@admin.register(PlanYear)
class PlanYearAdmin(PolicyAdmin):
    list_display = ("year", "premium", "coverage_start", "coverage_end", "central_opens_at", "central_closes_at",
                    "withholding_closes_at", "threshold")
    list_filter = ()
    search_fields = ("year",)
    readonly_fields = ("history",)
    fieldsets = (
        ("保障年度", {"fields": ("year", "premium", "coverage_start", "coverage_end", "threshold", "source")}),
        ("办理时间", {"fields": ("central_opens_at", "central_closes_at", "withholding_closes_at",
                             "withholding_request_deadline", "instant_opens_at", "waiting_days")}),
        ("职保会收款账户", {"fields": ("account_name", "account_number", "account_bank")}),
        ("代扣与凭证审核", {"fields": ("pension_day", "voucher_four_eyes")}),
        ("修改", {"fields": ("change_reason", "history")}),
    )


@admin.register(CalendarDay)
class CalendarDayAdmin(PolicyAdmin):
    list_display = ("date", "is_working_day", "name")
    list_filter = ("is_working_day",)
    search_fields = ("name",)
    readonly_fields = ("history",)
    date_hierarchy = "date"


class ReadOnly(admin.ModelAdmin):
    """Written by the services only (every change is a transition or an audited service)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InsuranceCode)
class InsuranceCodeAdmin(ReadOnly):
    list_display = ("code", "unit_name", "credit_code", "employer", "name_approved")
    search_fields = ("code", "unit_name", "credit_code")


@admin.register(InsuranceBatch)
class InsuranceBatchAdmin(ReadOnly):
    list_display = ("number", "employer", "code", "kind", "plan_year", "status", "updated_at")
    list_filter = ("status", "kind", "plan_year")
    search_fields = ("number", "employer__name")


@admin.register(CodeApplication)
class CodeApplicationAdmin(ReadOnly):
    list_display = ("unit_name", "credit_code", "review_state", "review_requested_at")
    list_filter = ("review_state",)


@admin.register(UnitNameChange)
class UnitNameChangeAdmin(ReadOnly):
    list_display = ("old_name", "unit_name", "code", "review_state", "review_requested_at")
    list_filter = ("review_state",)


@admin.register(WithholdingRun)
class WithholdingRunAdmin(ReadOnly):
    list_display = ("batch", "pension_day", "status", "requested", "withheld", "attempts", "last_error")
    list_filter = ("status",)
    search_fields = ("batch__number", "batch__employer__name")
