"""Statuses and kinds of the placement declaration, with the manuals' labels (badge tones: portal.tones)."""

from django.db import models

from levy.rules.certificates import CertificateKind
from placement.rules import Check, Outcome
from portal.reviewable import ReviewState

# Defined once elsewhere and used here under the manuals' names: the certificate kinds and the
# grid's checks and outcomes live with the pure rules, the review states with the one review machine.
__all__ = ["CertificateKind", "Check", "Outcome", "ReviewState"]


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", "进行中"
    SUBMITTED = "submitted", "完成申报"
    CERTIFIED = "certified", "年审认证通过"
    SENT_TO_TAX = "sent_to_tax", "已发送税务部门"


class PersonStatus(models.TextChoices):
    INCOMPLETE = "incomplete", "资料待完善"
    PENDING_REVIEW = "pending_review", "待审核"
    CONFIRMED = "confirmed", "已审核确认"
    PARTIALLY_REJECTED = "partially_rejected", "部分审核不通过"
    REJECTED = "rejected", "审核不通过"


# The manual's explanation of each status, shown on the list page.
PERSON_STATUS_HELP = {
    PersonStatus.INCOMPLETE: "残疾人安置过程中还未申报填写所有信息，或正在等待系统校验，还不属于有效安置登记人员。",
    PersonStatus.PENDING_REVIEW: "需要残联主管部门对该人员上传的部分资料进行审核并确认。需要审核的部分资料有劳务派遣协议、"
    "补充增加的残疾证件、工资证明、社保参保证明、医保参保证明。",
    PersonStatus.CONFIRMED: "该人员已经由系统自动审核确认，或由残联主管部门对资料进行审核并确认。",
    PersonStatus.PARTIALLY_REJECTED: "残联主管部门认定部分月份无效。请“接受审核结果”（按有效月份确认）或“重新登记”。",
    PersonStatus.REJECTED: "残联主管部门认定全部月份无效。请“删除”或“重新登记”后再完成申报。",
}


class ConfirmedBy(models.TextChoices):
    SYSTEM = "system", "系统"
    REVIEWER = "reviewer", "人工"


# The material that proves a failed check (上传附件), and what to say about it.
EVIDENCE_FOR = {
    Check.WAGE: ("工资发放证明", "请上传业务年度内这些月份的工资发放凭证（银行流水或工资表），工资应不低于当地最低工资标准。"),
    Check.SOCIAL_INSURANCE: ("社会保险缴费凭证", "请上传这些月份由本单位或合同约定单位缴纳社会保险的凭证。"),
    Check.MEDICAL_INSURANCE: ("医疗保险缴费凭证", "请上传业务年度内这些月份的医保参保证明。"),
    Check.CERTIFICATE: ("残疾证件影像", "请上传这些月份有效的残疾人证或残疾军人证影像。"),
    Check.WORKING_AGE: ("就业年龄段证明", "请上传该人员在这些月份仍在法定就业年龄段内的证明（如延迟退休或返聘材料）。"),
    Check.CONTRACT: ("劳动合同或劳务派遣协议", "请上传覆盖这些月份、期限一年以上的劳动合同或劳务派遣协议（事业单位可上传编制本）。"),
    Check.NO_OTHER_UNIT: ("本单位安置证明", "该人员这些月份也被其他单位申报，请上传说明其在本单位就业的材料，由残联审核认定。"),
}


class Relation(models.TextChoices):
    SELF = "self", "本单位"
    PARENT_CHILD = "parent_child", "上下级"
    OTHER = "other", "其他关联单位"


class ContractType(models.TextChoices):
    FIXED = "fixed", "固定期限"
    OPEN_ENDED = "open_ended", "无固定期限"
    TASK = "task", "以完成一定工作任务为期限"
    ESTABLISHMENT = "establishment", "在编（编制本）"




class CertificateSource(models.TextChoices):
    REGISTRY = "registry", "系统获取"
    MANUAL = "manual", "手动添加"


# A reviewer's 认证结果 on a declared month, in the manual's words (the states of the review machine).
MONTH_DECISION_LABELS = {
    ReviewState.NOT_NEEDED: "", ReviewState.PENDING: "待认定", ReviewState.APPROVED: "有效",
    ReviewState.REJECTED: "无效",
}



class Education(models.TextChoices):
    NONE = "none", "文盲或半文盲"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中/中专/职高"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    MASTER = "master", "硕士研究生及以上"


class HukouType(models.TextChoices):
    LOCAL = "local", "本地户籍"
    OTHER_PROVINCE = "other", "外省户籍"


class RetirementCategory(models.TextChoices):
    MALE = "M", "男职工（60周岁起延迟）"
    FEMALE_55 = "F55", "女职工 管理、技术岗（55周岁起延迟）"
    FEMALE_50 = "F50", "女职工 生产岗（50周岁起延迟）"


class VerificationState(models.TextChoices):
    NOT_STARTED = "not_started", "未校验"
    QUEUED = "queued", "排队中"
    RUNNING = "running", "校验中"
    DONE = "done", "校验完成"
    WAITING = "waiting", "部分数据待获取"





class RequestStatus(models.TextChoices):
    """年审申报撤回, 年审认证反馈 and 单位注销安置登记 share these (ARCHITECTURE.md, Requests)."""

    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已同意"
    REFUSED = "refused", "已拒绝"
    ANSWERED = "answered", "已答复"  # feedback only: answered without reopening



class DeliveryKind(models.TextChoices):
    """What a hand-off to tax carries: a certified result, or the withdrawal of one sent before."""

    RESULT = "result", "认定结果"
    REVOCATION = "revocation", "撤销认定"


class DeliveryStatus(models.TextChoices):
    """发送税务: one hand-off of a certified declaration to the tax bureau's intake."""

    QUEUED = "queued", "待发送"
    SENT = "sent", "发送中"
    ACKNOWLEDGED = "acknowledged", "税务已接收"
    FAILED = "failed", "发送失败"
    CANCELLED = "cancelled", "已作废"  # the certificate was cancelled by a reopening

