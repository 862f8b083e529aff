from django.urls import path

from backoffice.views import dashboard, items, persons, requests, rewards, union, union_batches

app_name = "backoffice"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("announcements/", dashboard.announcements, name="announcements"),
    path("units/<int:pk>/", dashboard.unit_overview, name="unit_overview"),
    path("persons/", persons.person_queue, name="person_queue"),
    path("persons/<int:pk>/", persons.person_review, name="person_review"),
    path("certificates/", items.item_queue, {"kind": "certificate"}, name="certificate_queue"),
    path("certificates/bulk-approve/", items.certificate_bulk, name="certificate_bulk"),
    path("certificates/<int:pk>/", items.item_review, {"kind": "certificate"}, name="certificate_review"),
    path("dispatch/", items.item_queue, {"kind": "dispatch"}, name="dispatch_queue"),
    path("dispatch/<int:pk>/", items.item_review, {"kind": "dispatch"}, name="dispatch_review"),
    path("withdrawals/", requests.request_queue, {"kind": "withdrawal"}, name="withdrawal_queue"),
    path("withdrawals/<int:pk>/", requests.request_decide, {"kind": "withdrawal"}, name="withdrawal_decide"),
    path("deregistrations/", requests.request_queue, {"kind": "deregistration"}, name="deregistration_queue"),
    path("deregistrations/<int:pk>/", requests.request_decide, {"kind": "deregistration"},
         name="deregistration_decide"),
    # 超比例奖励 (issue 18): 初审 / 复审 and the window's 申办
    path("rewards/", rewards.reward_queue, name="reward_queue"),
    path("rewards/window/", rewards.reward_window, name="reward_window"),
    path("rewards/window/<int:unit_pk>/", rewards.reward_window_unit, name="reward_window_unit"),
    path("rewards/<int:pk>/", rewards.reward_review, name="reward_review"),
    path("rewards/<int:pk>/edit/", rewards.reward_window_edit, name="reward_window_edit"),
    path("rewards/<int:pk>/retry/", rewards.reward_payout_retry, name="reward_payout_retry"),
    # the union console (职保会): the retiree plan's applications
    path("union/code-applications/", union.union_queue, {"kind": "application"}, name="code_applications"),
    path("union/code-applications/<int:pk>/", union.union_review, {"kind": "application"},
         name="code_application_review"),
    path("union/name-changes/", union.union_queue, {"kind": "name_change"}, name="name_changes"),
    path("union/name-changes/<int:pk>/", union.union_review, {"kind": "name_change"}, name="name_change_review"),
    # the union console: batches, their review per 社保编号, withholding runs and vouchers (issue 19)
    path("union/batches/", union_batches.union_batches, name="union_batches"),
    path("union/batches/export/", union_batches.union_batches_export, name="union_batches_export"),
    path("union/batch-reviews/", union_batches.union_batches, {"stage": "review"}, name="union_batch_queue"),
    path("union/voucher-reviews/", union_batches.union_batches, {"stage": "vouchers"}, name="union_voucher_queue"),
    path("union/batches/<int:pk>/", union_batches.union_batch, name="union_batch"),
    path("union/batches/<int:pk>/review/", union_batches.union_batch_review, name="union_batch_review"),
    path("union/batches/<int:pk>/vouchers/", union_batches.union_voucher_review, name="union_voucher_review"),
    path("union/runs/", union_batches.union_runs, name="union_runs"),
    path("union/runs/<int:pk>/start/", union_batches.union_run_action, {"action": "start"}, name="union_run_start"),
    path("union/runs/<int:pk>/retry/", union_batches.union_run_action, {"action": "retry"}, name="union_run_retry"),
]
