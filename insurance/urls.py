"""The unit's pages of the retiree plan (/insurance/)."""

from django.urls import path

from insurance.views import batches, codes, money, results, roster, submit

app_name = "insurance"

batch = "batches/<int:pk>/"
member = "batches/<int:pk>/members/<int:member_id>/"

urlpatterns = [
    path("", batches.batch_list, name="batches"),
    path("batches/new/<str:kind>/", batches.batch_new, name="batch_new"),
    path(batch, batches.batch_resume, name="batch"),
    path(batch + "unit/", batches.batch_unit, name="batch_unit"),
    path(batch + "info/", batches.batch_info, name="batch_info"),
    path(batch + "people/", batches.batch_people, name="batch_people"),
    path(batch + "delete/", batches.batch_delete, name="batch_delete"),
    path(batch + "roster/", roster.batch_roster, name="batch_roster"),
    path(batch + "payment/", roster.batch_payment, name="batch_payment"),
    path(batch + "withholding-form/", roster.withholding_form, name="withholding_form"),
    path(batch + "roster/import/", roster.roster_import, name="roster_import"),
    path(batch + "roster/confirm/", roster.roster_confirm, name="roster_confirm"),
    path(batch + "roster/errors/<str:token>/", roster.roster_errors, name="roster_errors"),
    path(batch + "roster/clear/", roster.roster_clear, name="roster_clear"),
    path(batch + "members/new/", roster.member_new, name="member_new"),
    path(batch + "members/delete/", roster.members_delete, name="members_delete"),
    path(member, roster.member_detail, name="member_detail"),
    path(member + "confirm-name/", results.member_confirm_name, name="member_confirm_name"),
    path(member + "retirement/", results.member_retirement, name="member_retirement"),
    path(member + "situation/", results.member_situation, name="member_situation"),
    path(batch + "verify/", results.batch_verify, name="batch_verify"),
    path(batch + "progress/", results.batch_progress, name="batch_progress"),
    path(batch + "results/", results.batch_results, name="batch_results"),
    path(batch + "results/export/", results.results_export, name="results_export"),
    path(batch + "submit/", submit.batch_submit, name="batch_submit"),
    path(batch + "submit/materials/", submit.ratio_materials, name="ratio_materials"),
    path(batch + "submitted/", submit.batch_submitted, name="batch_submitted"),
    path(batch + "withholding/", money.batch_withholding, name="batch_withholding"),
    path(batch + "withholding/delete/", money.failed_delete, name="failed_delete"),
    path(batch + "confirm-roster/", money.roster_confirm, name="batch_confirm_roster"),
    path(batch + "vouchers/", money.batch_vouchers, name="batch_vouchers"),
    path(batch + "vouchers/<str:kind>/<int:row>/delete/", money.row_delete, name="voucher_row_delete"),
    path("vouchers/", money.voucher_list, name="vouchers"),
    path("status-table/", batches.status_table, name="status_table"),
    path("roster-template/", roster.roster_template, name="roster_template"),
    path("withholding-template/", roster.withholding_template, name="withholding_template"),
    path("codes/", codes.code_list, name="codes"),
    path("codes/new/", codes.code_new, name="code_new"),
    path("codes/<int:pk>/", codes.code_detail, name="code_detail"),
    path("codes/<int:pk>/edit/", codes.code_new, name="code_edit"),
    path("codes/<int:code_pk>/name-change/", codes.name_change_new, name="name_change_new"),
    path("codes/<int:code_pk>/name-change/<int:pk>/", codes.name_change_new, name="name_change_edit"),
    path("agent/", codes.agent_info, name="agent"),
]
