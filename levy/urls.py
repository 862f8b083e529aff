"""The calculator page under /levy/ and the public levy API under /api/v1/levy/ (DOMAIN.md §6)."""

from django.urls import path

from levy import api, views

app_name = "levy"

urlpatterns = [
    path("levy/calculator/", views.calculator, name="calculator"),
    path("api/v1/levy/calculate", api.LevyCalculateView.as_view(), name="api_calculate"),
    path("api/v1/levy/late-fee", api.LateFeeView.as_view(), name="api_late_fee"),
    path("api/v1/levy/over-ratio-reward", api.OverRatioRewardView.as_view(), name="api_over_ratio_reward"),
]
