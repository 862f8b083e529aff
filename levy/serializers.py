"""The public levy API's requests and responses (DOMAIN.md §6). Requests are validated here with a
Chinese message per field; responses are declared so the OpenAPI schema is complete. Money and
ratios travel as decimal strings."""

from decimal import Decimal

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from levy.choices import FIRST_DATA_YEAR, UnitKind
from levy.rules import NATIONAL, CertificateKind, person_problems
from portal.models import Region
from portal.serializers import REGION_SCHEMA


def _money(label: str, **kwargs) -> serializers.DecimalField:
    kwargs.setdefault("min_value", 0)
    return serializers.DecimalField(
        max_digits=16, decimal_places=2,
        error_messages={"invalid": f"{label}应为数字", "min_value": f"{label}不能为负数",
                        "max_decimal_places": f"{label}最多两位小数", "max_digits": f"{label}过大",
                        "max_whole_digits": f"{label}过大", "required": f"请提供{label}",
                        "null": f"{label}不能为空"},
        **kwargs,
    )


def _integer(label: str, **kwargs) -> serializers.IntegerField:
    messages = {"invalid": f"{label}应为整数", "required": f"请提供{label}", "null": f"{label}不能为空",
                "min_value": f"{label}不能小于{{min_value}}", "max_value": f"{label}不能大于{{max_value}}"}
    return serializers.IntegerField(error_messages=messages, **kwargs)


@extend_schema_field(REGION_SCHEMA)
class RegionCodeField(serializers.CharField):
    """A GB/T 2260 code of a region in our tree, or 000000 for the national default."""

    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        if code != NATIONAL and not Region.objects.filter(code=code).exists():
            raise serializers.ValidationError("未知的行政区划代码（应为6位GB/T 2260代码，如 310000）", code="rule")
        return code


def _region(**kwargs) -> RegionCodeField:
    return RegionCodeField(max_length=6, error_messages={"required": "请提供行政区划代码 region"}, **kwargs)


def _data_year() -> serializers.IntegerField:
    return _integer("数据年度", min_value=FIRST_DATA_YEAR, help_text="上年（业务年度）；征收年度为其次年")


class DisabledSerializer(serializers.Serializer):
    certificate = serializers.ChoiceField(
        choices=CertificateKind.choices, error_messages={"invalid_choice": "证件类型应为 disability 或 military"}
    )
    grade = _integer("等级", min_value=1, max_value=10, help_text="disability 1–4，military 1–10")
    months = _integer("安置月数", min_value=0, max_value=12, help_text="0–12")

    def validate(self, data):
        problems = person_problems(data["certificate"], data["grade"], data["months"])
        if problems:
            raise serializers.ValidationError(problems, code="rule")
        return data


class RewardDisabledSerializer(DisabledSerializer):
    local_hukou = serializers.BooleanField(default=True, help_text="是否本地户籍（部分地区奖励只计本地户籍）")


def _check_year_not_future(value: int) -> int:
    if value > timezone.localdate().year + 1:
        raise serializers.ValidationError("数据年度不能晚于明年", code="rule")
    return value


class CalculateSerializer(serializers.Serializer):
    region = _region()
    data_year = _data_year()
    unit_kind = serializers.ChoiceField(
        choices=UnitKind.choices,
        error_messages={"invalid_choice": "单位类型应为 enterprise、government、institution 或 social_org"},
    )
    monthly_headcounts = serializers.ListField(
        child=_integer("月在职职工人数", min_value=0), required=False, min_length=12, max_length=12,
        error_messages={"not_a_list": "monthly_headcounts 应为12个整数的列表",
                        "min_length": "应提供12个月的在职职工人数", "max_length": "应提供12个月的在职职工人数"},
        help_text="1至12月的在职职工人数；与 headcount 二选一",
    )
    headcount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False,
        error_messages={"invalid": "职工人数应为数字", "min_value": "职工人数不能为负数"},
        help_text="年平均在职职工人数；与 monthly_headcounts 二选一",
    )
    wage_total = _money("工资总额")
    disabled = DisabledSerializer(many=True, required=False, default=list)
    social_average_wage = _money("社会平均工资", min_value=Decimal("0.01"), required=False, allow_null=True,
                                 help_text="可选：不提供时使用政策参数表中数据年度的社平")

    def validate_data_year(self, value):
        return _check_year_not_future(value)

    def validate(self, data):
        has_months, has_figure = "monthly_headcounts" in data, data.get("headcount") is not None
        if has_months == has_figure:
            raise serializers.ValidationError(
                {"headcount": "请提供 monthly_headcounts（12个月）或 headcount 二者之一"}, code="rule")
        return data


class LateFeeSerializer(serializers.Serializer):
    principal = _money("欠缴金额")
    deadline = serializers.DateField(error_messages={"invalid": "缴费期限应为日期，如 2025-10-31",
                                                     "required": "请提供缴费期限 deadline"})
    paid_on = serializers.DateField(error_messages={"invalid": "缴纳日期应为日期，如 2025-12-15",
                                                    "required": "请提供缴纳日期 paid_on"})
    region = _region(required=False, default=NATIONAL)


class RewardSerializer(serializers.Serializer):
    region = _region()
    data_year = _data_year()
    area_class = _integer("地区类别", min_value=1, required=False, allow_null=True,
                          help_text="最低工资地区类别（1为一类）；不提供时按单位所在地区查找")
    budget_funded = serializers.BooleanField(default=False, help_text="是否财政拨款单位")
    headcount = _integer("在职职工人数", min_value=0)
    disabled = RewardDisabledSerializer(many=True, required=False, default=list)

    def validate_data_year(self, value):
        return _check_year_not_future(value)


# --- responses ----------------------------------------------------------------------------------


class StepSerializer(serializers.Serializer):
    step = serializers.CharField()
    formula = serializers.CharField()
    value = serializers.CharField()
    source = serializers.CharField()


class PolicyRowSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    region = serializers.CharField()
    period = serializers.CharField()
    value = serializers.JSONField()
    description = serializers.CharField(help_text="取值的中文说明")
    source = serializers.CharField()
    verified = serializers.BooleanField()


class PolicySerializer(serializers.Serializer):
    region = serializers.CharField()
    collection_year = serializers.IntegerField()
    rows = PolicyRowSerializer(many=True)


class CalculateResponseSerializer(serializers.Serializer):
    headcount = serializers.IntegerField()
    ratio = serializers.CharField(help_text="规定比例，小数形式，如 \"0.015\"")
    disabled_count = serializers.CharField(help_text="4位小数，仅供显示")
    required_count = serializers.CharField()
    shortfall = serializers.CharField(help_text="超过比例时为负数")
    actual_ratio = serializers.CharField()
    average_wage = serializers.CharField(help_text="计征的年平均工资（封顶后）")
    average_wage_uncapped = serializers.CharField()
    wage_cap = serializers.CharField(allow_null=True)
    cap_applied = serializers.BooleanField()
    gross_levy = serializers.CharField()
    reduction_rule = serializers.CharField(
        help_text="at_or_over_ratio、none、small_enterprise_exempt，或减免档次代码 tier_50、tier_90")
    reduction_label = serializers.CharField()
    reduction = serializers.CharField()
    levy = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())
    explanation = StepSerializer(many=True)
    policy = PolicySerializer()


class LateFeeResponseSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    fee = serializers.CharField()
    uncapped_fee = serializers.CharField()
    capped = serializers.BooleanField(help_text="是否已按欠缴金额封顶")
    explanation = StepSerializer(many=True)
    policy = PolicySerializer()


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True})
class PersonsField(serializers.Field):
    """A whole number of persons as an integer, a fractional one as a 4-decimal string."""

    def to_representation(self, value):
        return value


class RewardResponseSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    required_persons = PersonsField()
    excess_persons = PersonsField()
    base = serializers.CharField(allow_null=True)
    multiplier = PersonsField()
    reward = serializers.CharField()
    estimate = serializers.BooleanField(help_text="所用标准未核实时为 true，金额仅为估算")
    reason = serializers.CharField()
    explanation = StepSerializer(many=True)
    policy = PolicySerializer()

