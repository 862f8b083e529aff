"""The retiree plan's kinds of upload (portal.uploads): opened by the unit's agents, the union staff
of its 所属区局工会 and administrators (federation and tax staff never see them)."""

from portal.roles import ADMIN, UNION
from portal.uploads import DOCUMENTS, IMAGES, ROSTER, upload_kind

UNION_STAFF = UNION | ADMIN
CODE_APPLICATION = upload_kind("insurance_code_application", "参保编码申请材料", staff_roles=UNION_STAFF)
NAME_CHANGE = upload_kind("insurance_name_change", "单位名称变更佐证材料", staff_roles=UNION_STAFF)
WITHHOLDING_FORM = upload_kind("insurance_withholding_form", "委托代扣款申请表（盖章）", types=DOCUMENTS,
                               staff_roles=UNION_STAFF)
RATIO_MATERIALS = upload_kind("insurance_ratio_materials", "参保比例相关材料", staff_roles=UNION_STAFF)
SITUATION_PROOF = upload_kind("insurance_situation_proof", "无社保人员情况说明材料", staff_roles=UNION_STAFF)


# 上传缴费凭证: the voucher is a picture of the transfer slip (a non-image is refused)
VOUCHER_IMAGE = upload_kind("insurance_voucher", "缴费凭证图片", types=IMAGES, staff_roles=UNION_STAFF)
# 缴费单位与退款账号不一致，须上传情况说明
REFUND_EXPLANATION = upload_kind("insurance_refund_explanation", "退款情况说明", staff_roles=UNION_STAFF)

__all__ = ["CODE_APPLICATION", "NAME_CHANGE", "RATIO_MATERIALS", "REFUND_EXPLANATION", "ROSTER", "SITUATION_PROOF",
           "VOUCHER_IMAGE", "WITHHOLDING_FORM"]
