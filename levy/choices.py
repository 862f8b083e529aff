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
    ASSESSMENT_METHOD = "assessment_method", "征缴方式"
    HARDSHIP_RELIEF = "hardship_relief", "缓减免（不可抗力）"


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


# --- 残保金征缴 (the assessment journey) -------------------------------------------------------


class AssessmentMethod(models.TextChoices):
    """How a region assesses (a policy row, `assessment_method`): Shanghai's 一件事 reads the
    social-insurance registry; everywhere else the unit declares its figures (电子税务局 申报)."""

    REGISTRY = "registry", "社保征缴基数核定"
    DECLARED = "declared", "单位申报"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "信息确认"
    OBJECTION = "objection", "异议处理中"
    CONFIRMED = "confirmed", "信息已确认"
    ASSESSED = "assessed", "已核定"
    SUBMITTED = "submitted", "待缴费"
    PAID = "paid", "已缴费"
    OVERDUE = "overdue", "逾期未缴"
    PAID_LATE = "paid_late", "逾期已缴"
    EXEMPT = "exempt", "免缴"
    OVER_RATIO = "over_ratio", "超比例单位"
    CANCELLED = "cancelled", "已作废"


class Outcome(models.TextChoices):
    """The three outcomes of 核定 (the manual's 确认处理信息 page)."""

    PAYABLE = "payable", "需缴纳残保金单位"
    OVER_RATIO = "over_ratio", "超比例单位"
    EXEMPT = "exempt", "无需缴纳残保金单位"


class ObjectionKind(models.TextChoices):
    NATURE = "nature", "用人单位性质有异议"
    BASE = "base", "征缴基数有异议"
    HEADCOUNT = "headcount", "上年度在职职工平均人数有异议"


class BaseChange(models.TextChoices):
    """变更基数汇总's four categories (the registry's changes after the monthly declarations)."""

    BACK_PAYMENT = "back_payment", "补缴基数"
    ADJUSTMENT = "adjustment", "缴费基数调整基数"
    REFUND = "refund", "退账基数"
    MANUAL = "manual", "申报录入基数"


class PaymentMethod(models.TextChoices):
    AGREEMENT = "agreement", "三方协议扣款"
    TRANSFER = "transfer", "银行转账"


class PaymentStatus(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENT = "sent", "银行处理中"
    PAID = "paid", "缴费成功"
    FAILED = "failed", "缴费失败"


class DeclarationState(models.TextChoices):
    """What levy knows of a unit's placement declaration (placement tells it, levy never asks)."""

    SUBMITTED = "submitted", "已完成申报，待残联认证"
    RETURNED = "returned", "已退回，待重新申报"
    CERTIFIED = "certified", "已认证"
    REOPENED = "reopened", "已重新打开，待重新申报"


# --- 超比例奖励 (issue 18) ---------------------------------------------------------------------------


class RewardMode(models.TextChoices):
    """The manual's two ways in: the unit applies online (网报: 初审 → 复审), or a reviewer starts it
    at the window (申办: 发起 → 复核)."""

    ONLINE = "online", "单位网报"
    WINDOW = "window", "窗口申办"


class RewardStatus(models.TextChoices):
    FIRST_REVIEW = "first_review", "待初审"
    SECOND_REVIEW = "second_review", "待复审"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "审核通过"
    PAID = "paid", "已发放"
    REJECTED = "rejected", "审核不通过"


class PayoutStatus(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENT = "sent", "银行处理中"
    PAID = "paid", "已到账"
    FAILED = "failed", "发放失败"


class BankKind(models.TextChoices):
    """开户银行行别 (the manual's field): the bank group of the account."""

    ICBC = "icbc", "中国工商银行"
    ABC = "abc", "中国农业银行"
    BOC = "boc", "中国银行"
    CCB = "ccb", "中国建设银行"
    BOCOM = "bocom", "交通银行"
    PSBC = "psbc", "中国邮政储蓄银行"
    JOINT = "joint", "股份制商业银行"
    CITY = "city", "城市商业银行"
    RURAL = "rural", "农村商业银行（农村信用社）"
    OTHER = "other", "其他银行"


# --- 缓减免 (issue 18) -------------------------------------------------------------------------------


class ReliefKind(models.TextChoices):
    REDUCTION = "reduction", "减免缴纳"
    DEFERRAL = "deferral", "缓缴"


class ReliefStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    CONFIRMING = "confirming", "待复核"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "不予批准"
