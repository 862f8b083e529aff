from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import api
from portal.views import auth, console, files, home, notices
from portal.views import help as help_views

admin.site.site_header = "残疾人就业服务平台 系统后台"
admin.site.site_title = "系统后台"

account_patterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("otp/", auth.otp_view, name="otp"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/done/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("password/reset/complete/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("password/change/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

console_patterns = [
    path("staff/", console.staff_list, name="console_staff"),
    path("staff/new/", console.staff_new, name="console_staff_new"),
    path("staff/<int:pk>/reset-password/", console.staff_reset_password_view, name="console_staff_reset_password"),
    path("staff/<int:pk>/reset-totp/", console.staff_reset_totp_view, name="console_staff_reset_totp"),
    path("staff/<int:pk>/toggle-active/", console.staff_toggle_active, name="console_staff_toggle"),
    path("audit/", console.audit_list, name="console_audit"),
    path("health/", console.health_view, name="console_health"),
    path("tokens/", console.token_list, name="console_tokens"),
    path("tokens/<int:pk>/revoke/", console.token_revoke_view, name="console_token_revoke"),
]

# Each app owns its API routes; the URL names carry no namespace (the OpenAPI schema and the
# clients know them as api_unit, api_placement_person-list, …).
api_v1 = [
    path("me/", api.MeView.as_view(), name="api_me"),
    path("notices/", api.NoticeListView.as_view(), name="api_notices"),
    path("", include("employers.api_urls")),
    path("", include("placement.api_urls")),
    path("", include("backoffice.tax_api_urls")),
]

urlpatterns = [
    path("", home.home_view, name="home"),
    path("accounts/", include(account_patterns)),
    path("accounts/", include("employers.account_urls")),  # 用人单位注册
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/new/", notices.notice_create, name="notice_create"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/edit/", notices.notice_edit, name="notice_edit"),
    path("notices/<int:pk>/withdraw/", notices.notice_withdraw_view, name="notice_withdraw"),
    path("notices/<int:pk>/attachments/<uuid:upload_pk>/", notices.notice_attachment, name="notice_attachment"),
    path("unit/", include("employers.urls")),
    path("placement/", include("placement.urls")),
    path("insurance/", include("insurance.urls")),
    path("backoffice/", include("backoffice.urls")),
    path("files/<uuid:pk>/", files.file_download, name="file_download"),
    path("files/<uuid:pk>/view/", files.file_view, name="file_view"),
    path("files/<uuid:pk>/pages/<int:page>.png", files.file_preview, name="file_preview"),
    path("documents/<uuid:pk>/", files.document_download, name="document_download"),
    path("verify/", files.receipt_verify_view, name="receipt_verify"),
    path("help/", help_views.help_index, name="help"),
    path("help/manual.pdf", help_views.help_manual, name="help_manual"),
    path("help/<slug:slug>/", help_views.help_topic, name="help_topic"),
    path("console/", include(console_patterns)),
    path("console/feeds/", include("portal.feeds.urls")),
    path("regions/children/", console.region_children, name="region_children"),
    path("health/live", console.health_live, name="health_live"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", api.SchemaView.as_view(), name="api_schema"),
    path("api/docs/", api.DocsView.as_view(url_name="api_schema"), name="api_docs"),
    path("", include("backoffice.tax_urls")),  # 年审认证审核, 发送税务, 发送税务查询, the tax console
    path("", include("levy.urls")),  # /levy/calculator/ and /api/v1/levy/…
    path("api/v1/insurance/", include("insurance.api_urls")),
    # The Django admin lives away from the default path (checklist H3); staff need TOTP first.
    path(settings.ADMIN_PATH, admin.site.urls),
]

handler400 = "portal.views.errors.bad_request"
handler403 = "portal.views.errors.permission_denied"
handler404 = "portal.views.errors.not_found"
handler500 = "portal.views.errors.server_error"
