"""The calculator page, the employer's 残保金征缴 under /levy/, 办件查询 (public), and the levy API
under /api/v1/levy/ (DOMAIN.md §6 and the assessments)."""

from django.urls import path

from levy import api, views
from levy.api import assessment as assessment_api
from levy.views import assessment, reward, tracking

app_name = "levy"

urlpatterns = [
    path("levy/calculator/", views.calculator, name="calculator"),
    path("levy/", assessment.home, name="home"),
    path("levy/filings/", tracking.filings, name="filings"),
    path("levy/track/", tracking.track, name="track"),
    path("levy/track/captcha/<str:key>.png", tracking.track_captcha, name="track_captcha"),
    path("levy/track/captcha/<str:key>.wav", tracking.track_captcha_audio, name="track_captcha_audio"),
    path("levy/<int:year>/start/", assessment.guide, name="guide"),
    path("levy/<int:year>/notice/", assessment.notice, name="notice"),
    path("levy/<int:year>/confirm/", assessment.confirm, name="confirm"),
    path("levy/<int:year>/objection/", assessment.objection_new, name="objection_new"),
    path("levy/<int:year>/objections/<int:pk>/", assessment.objection_detail, name="objection_detail"),
    path("levy/<int:year>/assess/", assessment.roster, name="roster"),
    path("levy/<int:year>/outcome/", assessment.outcome, name="outcome"),
    path("levy/<int:year>/done/", assessment.done, name="done"),
    path("levy/rewards/", reward.rewards, name="reward"),
    path("levy/rewards/apply/", reward.reward_apply_view, name="reward_apply"),
    path("levy/rewards/<int:pk>/", reward.reward_detail, name="reward_detail"),
    path("levy/rewards/<int:pk>/edit/", reward.reward_edit, name="reward_edit"),
    path("levy/relief/", reward.relief, name="relief"),
    path("api/v1/levy/calculate", api.LevyCalculateView.as_view(), name="api_calculate"),
    path("api/v1/levy/late-fee", api.LateFeeView.as_view(), name="api_late_fee"),
    path("api/v1/levy/over-ratio-reward", api.OverRatioRewardView.as_view(), name="api_over_ratio_reward"),
    path("api/v1/levy/assessments/", assessment_api.AssessmentListView.as_view(), name="api_assessments"),
    path("api/v1/levy/assessments/<int:collection_year>/", assessment_api.AssessmentDetailView.as_view(),
         name="api_assessment"),
    path("api/v1/levy/payments/notify", assessment_api.PaymentNotifyView.as_view(), name="api_payment_notify"),
]
