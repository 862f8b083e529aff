"""The retiree plan's kinds of upload (portal.uploads): opened by the unit's agents, the union staff
of its 所属区局工会 and administrators (federation and tax staff never see them)."""

from portal.roles import ADMIN, UNION
from portal.uploads import DOCUMENTS, ROSTER, upload_kind

UNION_STAFF = UNION | ADMIN
CODE_APPLICATION = upload_kind("insurance_code_application", "参保编码申请材料", staff_roles=UNION_STAFF)
NAME_CHANGE = upload_kind("insurance_name_change", "单位名称变更佐证材料", staff_roles=UNION_STAFF)
WITHHOLDING_FORM = upload_kind("insurance_withholding_form", "委托代扣款申请表（盖章）", types=DOCUMENTS,
                               staff_roles=UNION_STAFF)
RATIO_MATERIALS = upload_kind("insurance_ratio_materials", "参保比例相关材料", staff_roles=UNION_STAFF)
SITUATION_PROOF = upload_kind("insurance_situation_proof", "无社保人员情况说明材料", staff_roles=UNION_STAFF)

__all__ = ["CODE_APPLICATION", "NAME_CHANGE", "RATIO_MATERIALS", "ROSTER", "SITUATION_PROOF", "WITHHOLDING_FORM"]
