"""The public levy API (DOMAIN.md §6): the same engine as the calculator page, no login,
throttled per address. Bad input is a 400 with a message per field."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from levy import serializers as s
from levy.choices import PARAMETER_LABELS
from levy.rules import DisabledPerson, LevyInputs, Policy, Step, plain, shown
from levy.rules.policy import describe_value
from levy.selectors import late_fee_estimate, levy_estimate, region_names, reward_estimate, rows_of
from portal.access import HasRole
from portal.drf import PublicThrottle

BAD_INPUT = OpenApiResponse(description="输入有误：按字段给出中文提示，如 {\"monthly_headcounts\": [\"应提供12个月…\"]}")


def _steps(steps: tuple[Step, ...]) -> list[dict]:
    return [step.to_json() for step in steps]


def _policy(policy: Policy) -> dict:
    rows = rows_of(policy)
    names = region_names({row.region_code for row in rows})
    return {
        "region": policy.region_code,
        "collection_year": policy.collection_year,
        "rows": [
            {"name": row.name, "label": PARAMETER_LABELS.get(row.name, row.name), "region": names[row.region_code],
             "period": row.period, "value": row.value, "description": describe_value(row.name, row.value),
             "source": row.source, "verified": row.verified}
            for row in rows
        ],
    }


def _persons(value):
    return int(value) if value is not None and value.denominator == 1 else (None if value is None else str(shown(value)))


class PublicLevyView(APIView):
    """Open to everyone: no authentication (so no CSRF), throttled per client address. A view
    names its request and response serializers and says how to answer validated data."""

    public = True
    permission_classes = [HasRole]
    authentication_classes = []
    throttle_classes = [PublicThrottle]
    request_serializer: type[serializers.Serializer]
    response_serializer: type[serializers.Serializer]

    def post(self, request):
        form = self.request_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        return Response(self.response_serializer(self.answer(form.validated_data)).data)

    def answer(self, data: dict) -> dict:
        raise NotImplementedError


def _schema(summary: str, view):
    return extend_schema_view(post=extend_schema(
        summary=summary, description=view.answer.__doc__, tags=["残保金"], request=view.request_serializer,
        responses={200: view.response_serializer, 400: BAD_INPUT},
    ))(view)


class LevyCalculateView(PublicLevyView):
    request_serializer = s.CalculateSerializer
    response_serializer = s.CalculateResponseSerializer

    def answer(self, data):
        """Estimate a unit's levy for a data year, with every step and the policy rows used."""
        inputs = LevyInputs(
            unit_kind=data["unit_kind"],
            wage_total=data["wage_total"],
            monthly_headcounts=tuple(data.get("monthly_headcounts", ())),
            headcount=data.get("headcount"),
            disabled=tuple(DisabledPerson(p["certificate"], p["grade"], p["months"]) for p in data["disabled"]),
            social_average_wage=data.get("social_average_wage"),
        )
        r = levy_estimate(region_code=data["region"], data_year=data["data_year"], inputs=inputs).result
        return {
            "headcount": r.headcount, "ratio": plain(r.ratio), "disabled_count": str(shown(r.disabled_count)),
            "required_count": str(shown(r.required_count)), "shortfall": str(shown(r.shortfall)),
            "actual_ratio": str(shown(r.actual_ratio)), "average_wage": str(r.average_wage),
            "average_wage_uncapped": str(r.average_wage_uncapped),
            "wage_cap": None if r.cap is None else str(r.cap), "cap_applied": r.cap_applied,
            "gross_levy": str(r.gross_levy), "reduction_rule": r.reduction_rule, "reduction_label": r.reduction_label,
            "reduction": str(r.reduction), "levy": str(r.levy), "warnings": list(r.warnings),
            "explanation": _steps(r.steps), "policy": _policy(r.policy),
        }


class LateFeeView(PublicLevyView):
    request_serializer = s.LateFeeSerializer
    response_serializer = s.LateFeeResponseSerializer

    def answer(self, data):
        """The late fee: the daily rate from the day after the deadline, capped at the principal."""
        r, policy = late_fee_estimate(principal=data["principal"], deadline=data["deadline"],
                                      paid_on=data["paid_on"], region_code=data["region"])
        return {"days": r.days, "fee": str(r.fee), "uncapped_fee": str(r.uncapped_fee), "capped": r.capped,
                "explanation": _steps(r.steps), "policy": _policy(policy)}


class OverRatioRewardView(PublicLevyView):
    request_serializer = s.RewardSerializer
    response_serializer = s.RewardResponseSerializer

    def answer(self, data):
        """The over-ratio reward by the region's rule; a region without one answers not eligible."""
        persons = tuple(DisabledPerson(p["certificate"], p["grade"], p["months"], p["local_hukou"])
                        for p in data["disabled"])
        r, policy = reward_estimate(region_code=data["region"], data_year=data["data_year"],
                                    headcount=data["headcount"], persons=persons,
                                    budget_funded=data["budget_funded"], area_class=data.get("area_class"))
        return {
            "eligible": r.eligible, "required_persons": _persons(r.required_persons),
            "excess_persons": _persons(r.excess_persons), "base": None if r.base is None else str(r.base),
            "multiplier": _persons(r.multiplier), "reward": str(r.reward), "estimate": r.estimate,
            "reason": r.reason, "explanation": _steps(r.steps), "policy": _policy(policy),
        }


_schema("残保金试算", LevyCalculateView)
_schema("滞纳金试算", LateFeeView)
_schema("超比例奖励试算", OverRatioRewardView)
