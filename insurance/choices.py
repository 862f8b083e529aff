"""Statuses and kinds of the retiree plan (退休住院计划) in the manual's words (seed 004). Badge
tones come from portal.tones."""

from django.db import models

from employers.choices import EconomicType
from portal.reviewable import ReviewState

# 经济类型 is the unit page's list; the review states are the one review machine's.
__all__ = ["EconomicType", "ReviewState"]


class BatchStatus(models.TextChoices):
    """The batch's business status (ARCHITECTURE.md, InsuranceBatch; the manual's 参保流程各个状态).
    This issue moves a batch up to 职保会审核中; the union's review and the money side continue
    from there (withholding, vouchers, 投保成功)."""

    AWAITING_ROSTER = "awaiting_roster", "名单待导入"
    AWAITING_VERIFICATION = "awaiting_verification", "名单待校验"
    VERIFYING = "verifying", "名单校验中"
    VERIFIED = "verified", "名单校验完成"
    UNDER_REVIEW = "under_review", "职保会审核中"
    REVIEW_REJECTED = "review_rejected", "职保会审核不通过"
    REVIEW_APPROVED = "review_approved", "职保会审核通过"
    WITHHOLDING_REQUESTED = "withholding_requested", "代扣申请完成"
    WITHHOLDING_DONE = "withholding_done", "代扣完成"
    ROSTER_CONFIRMED = "roster_confirmed", "参保名单已确定"
    VOUCHER_REVIEW = "voucher_review", "凭证审核中"
    VOUCHER_REJECTED = "voucher_rejected", "凭证审核不通过"
    INSURED = "insured", "投保成功"
    COMPLETED = "completed", "参保已完成"
    DELETED = "deleted", "已删除"


B = BatchStatus
# The agent may change the roster (新增, 删除, 导入, 清空) before the union's review or after it was
# refused (the manual's FAQ 08: 在提交职保会审核前 或 职保会审核不通过 可以修改名单).
ROSTER_EDITABLE = (B.AWAITING_ROSTER, B.AWAITING_VERIFICATION, B.VERIFIED, B.REVIEW_REJECTED)
# 批次删除 is offered in the same states (the manual's status table).
DELETABLE = ROSTER_EDITABLE
# The states whose enrolled members count as 已参保人数 for the unit's other batches of the year.
SUBMITTED = (B.UNDER_REVIEW, B.REVIEW_APPROVED, B.WITHHOLDING_REQUESTED, B.WITHHOLDING_DONE,
             B.ROSTER_CONFIRMED, B.VOUCHER_REVIEW, B.VOUCHER_REJECTED, B.INSURED, B.COMPLETED)

class BatchKind(models.TextChoices):
    CENTRAL = "central", "集中参保"
    INSTANT = "instant", "即时参保"


class PaymentMethod(models.TextChoices):
    WITHHOLDING = "withholding", "委托代扣款缴费参保"
    VOUCHER = "voucher", "缴费凭证参保"


PAYMENT_HELP = {
    PaymentMethod.WITHHOLDING: "委托职保会向退休职工个人代扣参保费用",
    PaymentMethod.VOUCHER: "单位出资参保费用，统一向职保会划款",
}


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "身份证"
    OTHER = "other", "非身份证"


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class MemberSource(models.TextChoices):
    IMPORT = "import", "导入"
    MANUAL = "manual", "新增"


class CheckState(models.TextChoices):
    """Where a member's registry check stands (the job, apart from the result)."""

    NOT_CHECKED = "not_checked", "未校验"
    QUEUED = "queued", "排队校验"
    PENDING = "pending", "待校验"  # a registry did not answer: asked again, never failed
    CHECKED = "checked", "已校验"


class Result(models.TextChoices):
    """校验结果: the registries' verdict on a member, as the results page words it."""

    NOT_CHECKED = "not_checked", "未校验"
    PENDING = "pending", "待校验（登记系统暂未返回）"
    PASSED = "passed", "校验通过"
    NAME_MISMATCH = "name_mismatch", "参保姓名和社保姓名不一致"
    NAME_CONFIRMED = "name_confirmed", "已确认社保姓名"
    DECEASED = "deceased", "死亡"
    RETIREMENT_MISSING = "retirement_missing", "退休年月为空或值无效"
    RETIREMENT_FILLED = "retirement_filled", "已经修改退休年月"
    NO_SOCIAL_INSURANCE = "no_si", "未匹配到社保信息"
    UNVERIFIABLE = "unverifiable", "非身份证，系统无法校验"


# Results that stand in the way of submission until the agent handles them (the fix on each row).
EXCEPTIONS = (Result.NAME_MISMATCH, Result.DECEASED, Result.RETIREMENT_MISSING, Result.NO_SOCIAL_INSURANCE,
              Result.UNVERIFIABLE)
# Results with nothing left to do.
RESOLVED = (Result.PASSED, Result.NAME_CONFIRMED, Result.RETIREMENT_FILLED)

EXCEPTION_FIX = {
    Result.NAME_MISMATCH: "如社保姓名正确，请点击“确认”以社保姓名覆盖；如导入姓名正确，则证件号码有误，请删除该人员后重新添加。",
    Result.DECEASED: "该人员无法参加退休住院计划，请删除。",
    Result.RETIREMENT_MISSING: "请点击“编辑”补充该人员的退休年月。",
    Result.NO_SOCIAL_INSURANCE: "请选择具体情形（新退休、干保、出国、其他），干保、出国、其他须填写说明并上传材料。",
    Result.UNVERIFIABLE: "证件类型为非身份证，社保、民政和养老金系统无法校验。请选择具体情形，干保、出国、其他须填写说明并上传材料。",
}


class Situation(models.TextChoices):
    """Why a member has no social-insurance record (the manual's 社保类型 for 无社保人员)."""

    NEW_RETIREE = "new_retiree", "新退休"
    CADRE = "cadre", "干保"
    ABROAD = "abroad", "出国"
    OTHER = "other", "其他（如：社保封存等）"


SITUATION_HELP = {
    Situation.NEW_RETIREE: "上年度7月1日至本年度6月30日办理退休",
    Situation.CADRE: "干部保健对象",
    Situation.ABROAD: "出国（境）定居等",
    Situation.OTHER: "如社保封存等，请说明具体情况",
}
# 新退休 needs nothing more; every other situation a note and an attachment (DOMAIN.md §3)
SITUATION_NEEDS_PROOF = (Situation.CADRE, Situation.ABROAD, Situation.OTHER)


class Withholding(models.TextChoices):
    """代扣类型: can the union withhold the premium from the member's pension account?"""

    YES = "yes", "可代扣"
    NO = "no", "不可代扣"
    UNKNOWN = "", "-"


class VerifyState(models.TextChoices):
    """The verification job of a batch (its progress bar), apart from the batch's status."""

    IDLE = "idle", "未开始"
    QUEUED = "queued", "排队中"
    RUNNING = "running", "校验中"
    WAITING = "waiting", "部分人员待校验"
    DONE = "done", "校验完成"


# The code applications and name changes use the one review machine under their own words.
APPLICATION_STATES = {
    ReviewState.NOT_NEEDED: "未提交",
    ReviewState.PENDING: "申请中",
    ReviewState.APPROVED: "审核通过",
    ReviewState.REJECTED: "审核不通过",
}
MATERIAL_STATES = {
    ReviewState.NOT_NEEDED: "未提交",
    ReviewState.PENDING: "待审核",
    ReviewState.APPROVED: "审核通过",
    ReviewState.REJECTED: "审核不通过",
}


class WithholdingResult(models.TextChoices):
    """代扣结果 of a member after the pension day (the manual's results page)."""

    NONE = "", "-"
    WITHHELD = "withheld", "代扣成功"
    INSUFFICIENT = "insufficient", "代扣失败(余额不足)"
    INVALID = "invalid", "代扣失败(校验不通过)"


WITHHOLDING_FAILED = (WithholdingResult.INSUFFICIENT, WithholdingResult.INVALID)


class RunStatus(models.TextChoices):
    """The withholding file's delivery to the pension registry (ARCHITECTURE.md "where we go
    beyond" 7): queued, sent, its result received, or failed with retry and an alert."""

    SCHEDULED = "scheduled", "待养老金发放日"
    QUEUED = "queued", "待发送"
    SENT = "sent", "代扣中"
    RECEIVED = "received", "已返回代扣结果"
    FAILED = "failed", "发送失败"


class VoucherMethod(models.TextChoices):
    """缴费方式 of a voucher row."""

    WITHHELD = "withheld", "个人代扣"
    ONLINE = "online", "贷记网银"
    TRANSFER = "transfer", "银行转账"
    CHEQUE = "cheque", "支票"


UNIT_VOUCHER_METHODS = [(m.value, m.label) for m in VoucherMethod if m != VoucherMethod.WITHHELD]


class AccountKind(models.TextChoices):
    """收款帐户类别: the union's accounts (this plan pays into the retiree account)."""

    RETIREE = "retiree", "退休"


# The manual's 参保流程各个状态的说明: what the agent may do in each status (both consoles show it).
STATUS_TABLE = [
    (B.AWAITING_ROSTER, "继续办理参保 / 修改参保名单 / 批次删除", "导入参保名单或新增参保人员"),
    (B.AWAITING_VERIFICATION, "继续办理参保 / 修改参保名单 / 批次删除", "提交系统校验"),
    (B.VERIFYING, "继续办理参保", "等待系统校验完成（可离开页面）"),
    (B.VERIFIED, "继续办理参保 / 修改参保名单 / 批次删除", "处理异常数据后提交职保会审核"),
    (B.UNDER_REVIEW, "查看批次信息", "等待职保会审核（按社保编号逐一审核）"),
    (B.REVIEW_REJECTED, "继续办理参保 / 修改参保名单 / 批次删除", "查看不通过原因，修改后再次提交职保会审核"),
    (B.REVIEW_APPROVED, "继续办理参保", "委托代扣：向职保会提交代扣申请；缴费凭证：确定参保名单，上传缴费凭证"),
    (B.WITHHOLDING_REQUESTED, "下载代扣受理单", "等待养老金发放日银行代扣，结果以通知和邮件告知"),
    (B.WITHHOLDING_DONE, "继续办理参保 / 修改参保名单（删除代扣失败人员）", "查看代扣结果，参保名单确定后上传缴费凭证"),
    (B.ROSTER_CONFIRMED, "上传缴费凭证", "填写缴费凭证、退多余款、电子票据后提交审核"),
    (B.VOUCHER_REVIEW, "查看缴费凭证", "等待职保会凭证审核"),
    (B.VOUCHER_REJECTED, "编辑", "查看职保中心反馈，修改凭证信息后再次提交审核"),
    (B.INSURED, "下载参保回执", "投保成功，参保人员保障期限已确定"),
    (B.COMPLETED, "查看批次信息", "参保已完成"),
]
