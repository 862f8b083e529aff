"""The certification, hand-off and tax officers' pages (namespace "tax"), mounted at /backoffice/
and /tax/ by portal/urls.py."""

from django.urls import path

from backoffice import levy_api
from backoffice.views import certification, delivery, levy, requests, tax

app_name = "tax"

urlpatterns = [
    path("backoffice/certification/", certification.certification_queue, name="certification_queue"),
    path("backoffice/certification/<int:pk>/", certification.certification_detail, name="certification_detail"),
    path("backoffice/after-certification/", certification.requests_after_certification, name="requests"),
    path("backoffice/after-certification/withdrawals/<int:pk>/", requests.request_decide,
         {"kind": "withdrawal_certified"}, name="withdrawal_decide"),
    path("backoffice/after-certification/feedback/<int:pk>/", certification.feedback_decide, name="feedback_decide"),
    path("backoffice/send-to-tax/", delivery.send_list, name="send"),
    path("backoffice/send-to-tax/<int:pk>/", delivery.send_one, name="send_one"),
    path("backoffice/deliveries/", delivery.delivery_list, name="deliveries"),
    path("backoffice/deliveries/<int:pk>/retry/", delivery.delivery_retry_view, name="delivery_retry"),
    path("tax/results/", tax.results, name="results"),
    path("tax/results/export/", tax.results_export, name="results_export"),
    path("tax/results/<int:pk>/", tax.result_detail, name="result_detail"),
    path("tax/results/<int:pk>/roster/", tax.result_roster, name="result_roster"),
    path("tax/results/<int:pk>/certificate/", tax.result_certificate, name="result_certificate"),
    # 残保金征缴 (issue 16)
    path("tax/levy/", levy.assessments, name="levy_assessments"),
    path("tax/levy/export/", levy.assessments_export, name="levy_export"),
    path("tax/levy/<int:pk>/", levy.assessment_detail, name="levy_assessment"),
    path("tax/levy/objections/", levy.objections, name="levy_objections"),
    path("tax/levy/objections/<int:pk>/", levy.objection_detail, name="levy_objection"),
    path("tax/levy/payments/", levy.payments, name="levy_payments"),
    path("tax/levy/reliefs/", levy.reliefs, name="levy_reliefs"),
    path("tax/levy/reliefs/<int:pk>/", levy.relief_detail, name="levy_relief"),
    path("tax/levy/bulk/", levy.bulk, name="levy_bulk"),
    path("api/v1/tax/levy-assessments", levy_api.AssessmentsView.as_view(), name="api_levy_assessments"),
]
