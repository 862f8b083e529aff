"""The words the timelines and the audit log show for the retiree plan's actions and statuses.
Status changes carry their transition's label (portal.workflow); these are the other entries."""

from insurance import choices as c

ACTIONS = {
    "insurance.agent_contact": "维护经办人信息", "employer.change_union_district": "设置所属区局工会",
    "insurance_code.issue": "核发参保编码", "insurance_code.update": "修改单位信息",
    "insurance_code.rename": "修改单位名称", "code_application.create": "填写参保编码申请",
    "code_application.review_request": "提交参保编码申请", "code_application.review": "参保编码申请审核",
    "name_change.create": "填写单位名称修改申请", "name_change.review_request": "提交单位名称修改申请",
    "name_change.review": "单位名称修改审核",
    "insurance_batch.create": "新建参保批次", "insurance_batch.unit_confirm": "单位信息确认无误",
    "insurance_batch.payment": "选择参保缴费方式", "insurance_batch.withholding_form": "上传委托代扣款申请表",
    "insurance_batch.roster_import": "导入参保名单", "insurance_batch.roster_clear": "清空参保名单",
    "insurance_batch.ratio_materials": "上传参保比例相关材料", "insurance_batch.export": "导出校验结果",
    "insurance_member.add": "新增参保人员", "insurance_member.delete": "删除参保人员",
    "insurance_member.confirm_name": "确认社保姓名", "insurance_member.fill_retirement": "补充退休年月",
    "insurance_member.situation": "选择无社保人员情形", "code_ratio.review_request": "参保比例材料提交审核",
}


def register() -> None:
    from insurance.models import CodeApplication, CodeRatio, InsuranceBatch, UnitNameChange
    from portal.audit import labels_register

    labels_register(actions=ACTIONS, states={InsuranceBatch: c.BatchStatus, CodeRatio: c.ReviewState},
                    state_labels={CodeApplication: c.APPLICATION_STATES, UnitNameChange: c.APPLICATION_STATES})
