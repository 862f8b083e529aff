"""Names and labels of the levy's policy parameters and kinds."""

from django.db import models

FIRST_DATA_YEAR = 2016  # the first full year under 财税〔2015〕72号, the current formula


class RuleName(models.TextChoices):
    RATIO = "ratio", "安置比例"
    WEIGHT_RULE = "weight_rule", "重度残疾折算规则"
    HEADCOUNT_ROUNDING = "headcount_rounding", "职工人数取整方式"
    WAGE_CAP_MULTIPLIER = "wage_cap_multiplier", "年平均工资封顶倍数"
    RELIEF = "relief", "分档减缴与小微企业免征"
    LATE_FEE = "late_fee", "滞纳金"
    OVER_RATIO_REWARD = "over_ratio_reward", "超比例奖励"


class WindowKind(models.TextChoices):
    CERTIFICATION = "certification", "联网认证"
    PAYMENT = "payment", "缴费"


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    GOVERNMENT = "government", "机关"
    INSTITUTION = "institution", "事业单位"
    SOCIAL_ORG = "social_org", "社会组织"


# What each policy row an explanation cites is about (rules, and the tables beside them).
PARAMETER_LABELS = {
    **dict(RuleName.choices),
    "social_average_wage": "社会平均工资",
    "minimum_wage": "月最低工资标准",
    "area_class": "最低工资地区类别",
    "window_certification": "联网认证时间",
    "window_payment": "缴费时间",
}
