"""The levy's kinds of upload (portal.uploads): the 用人单位性质 objection's material is opened by
the tax officers who decide objections (and administrators), not by federation staff."""

from portal.roles import ADMIN, TAX
from portal.uploads import IMAGES, MB, upload_kind

OBJECTION_MATERIAL = upload_kind("levy_objection", "相关职能部门出具的证明", types=IMAGES, max_bytes=5 * MB,
                                 staff_roles=TAX | ADMIN)

# 超比例奖励: the 更名证明或隶属关系证明 when the payee name differs (the manual: jpg/png within 5 MB)
# and the application's other material; federation staff review them.
REWARD_PAYEE_PROOF = upload_kind("levy_reward_payee", "更名证明或隶属关系证明", types=IMAGES, max_bytes=5 * MB)
REWARD_ATTACHMENT = upload_kind("levy_reward", "超比例奖励附件材料")

# 缓减免: the evidence of the force majeure, opened by the tax officers who decide.
RELIEF_EVIDENCE = upload_kind("levy_relief", "不可抗力证明材料", staff_roles=TAX | ADMIN)
