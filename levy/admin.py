"""The policy table in the Django admin: administrators edit it with a reason, every change goes
through levy.services and lands in the audit trail (shown on each row's page as 修改记录)."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from levy.models import AreaClass, CertifiedFigures, FilingWindow, MinimumWage, PolicyRule, SocialAverageWage
from levy.services import policy_row_delete, policy_row_save
from portal.audit import audit_timeline


class PolicyAdminForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="修改原因", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="记入审计日志，如“按2026年新文件调整”",
    )


class PolicyAdmin(admin.ModelAdmin):
    form = PolicyAdminForm
    list_filter = ("verified",)
    search_fields = ("region_code", "source", "note")
    readonly_fields = ("region", "history")
    list_per_page = 50

    @admin.display(description="地区")
    def region(self, obj):
        return obj.region_name if obj.region_code else ""

    @admin.display(description="已核实", boolean=True)
    def is_verified(self, obj):
        return obj.verified

    @admin.display(description="依据")
    def source_short(self, obj):
        return obj.source[:60] + ("…" if len(obj.source) > 60 else "")

    @admin.display(description="修改记录")
    def history(self, obj):
        if not obj.pk:
            return "—"
        entries = list(audit_timeline(obj))
        if not entries:
            return "初始数据，未修改过"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{} {}：{} → {}（{}）{}</li>",
                ((e.at.strftime("%Y-%m-%d %H:%M"), e.actor_repr, e.from_state, e.to_state,
                  "；".join(f"{k}: {v[0]} → {v[1]}" for k, v in e.data.get("changes", {}).items()) or "—",
                  e.reason) for e in entries),
            ),
        )

    def save_model(self, request, obj, form, change):
        policy_row_save(row=obj, actor=request.user, reason=form.cleaned_data.get("change_reason", ""))

    def delete_model(self, request, obj):
        policy_row_delete(row=obj, actor=request.user, reason="管理后台删除")

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(PolicyRule)
class PolicyRuleAdmin(PolicyAdmin):
    list_display = ("name", "region", "region_code", "first_year", "last_year", "value", "is_verified", "source_short")
    list_filter = ("name", "verified")


@admin.register(SocialAverageWage)
class SocialAverageWageAdmin(PolicyAdmin):
    list_display = ("region", "region_code", "data_year", "amount", "is_verified", "source_short")


@admin.register(MinimumWage)
class MinimumWageAdmin(PolicyAdmin):
    list_display = ("region", "region_code", "area_class", "effective_from", "amount", "is_verified", "source_short")


@admin.register(AreaClass)
class AreaClassAdmin(PolicyAdmin):
    list_display = ("region", "region_code", "area_class", "effective_from", "is_verified", "source_short")


@admin.register(FilingWindow)
class FilingWindowAdmin(PolicyAdmin):
    list_display = ("kind", "region", "region_code", "first_year", "last_year", "opens", "closes", "is_verified")
    list_filter = ("kind", "verified")


@admin.register(CertifiedFigures)
class CertifiedFiguresAdmin(admin.ModelAdmin):
    """Read only: the certification writes these through levy.services."""

    list_display = ("employer", "business_year", "headcount", "disabled_count", "certificate_reference", "is_active")
    search_fields = ("employer__name", "employer__credit_code", "certificate_reference")
    list_filter = ("business_year",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
