"""The words the timelines and the audit log show for placement's actions and statuses. Status
changes carry their transition's label (portal.workflow); these are the other entries."""

from placement import choices as c
from placement.models import (
    AnnualDeclaration,
    Certificate,
    Contract,
    DeregistrationRequest,
    FeedbackRequest,
    PlacedPerson,
    PlacementMonth,
    TaxDelivery,
    WithdrawalRequest,
)
from portal.audit import labels_register

ACTIONS = {
    "person.add": "添加残疾人", "person.update": "修改基本信息", "person.select_months": "勾选安置月份",
    "person.recheck": "重新校验", "person.import": "导入上一年申报名单", "person.delete": "删除安置人员",
    "person.review": "安置登记审核", "contract.save": "保存合同", "contract.delete": "删除合同",
    "contract.review": "劳务派遣审核", "certificate.delete": "删除残疾证", "certificate.review": "残疾证审核",
    "month.review": "月份认定", "evidence.add": "上传证明材料", "evidence.remove": "删除证明材料",
    "declaration.create": "开始年审申报",
    "declaration.headcount_prefill": "获取社保登记职工人数", "declaration.headcount_confirm": "确认在职职工人数",
    "declaration.send_to_tax": "发送税务",
    "withdrawal.submit": "申请年审申报撤回", "withdrawal.decide": "办理撤回申请",
    "feedback.submit": "提交年审认证反馈", "feedback.decide": "办理认证反馈",
    "deregistration.submit": "申请注销安置登记", "deregistration.decide": "办理注销申请",
    "tax_delivery.queue": "排队发送税务",
}


def register() -> None:
    """Called from the app's ready() (the models are loaded by then)."""
    labels_register(actions=ACTIONS, states={
        AnnualDeclaration: c.DeclarationStatus, PlacedPerson: c.PersonStatus, TaxDelivery: c.DeliveryStatus,
        WithdrawalRequest: c.RequestStatus, FeedbackRequest: c.RequestStatus, DeregistrationRequest: c.RequestStatus,
        Contract: c.ReviewState, Certificate: c.ReviewState,
    })
    labels_register(state_labels={PlacementMonth: c.MONTH_DECISION_LABELS})
