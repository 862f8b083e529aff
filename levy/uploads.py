"""The levy's kinds of upload (portal.uploads): the 用人单位性质 objection's material is opened by
the tax officers who decide objections (and administrators), not by federation staff."""

from portal.roles import ADMIN, TAX
from portal.uploads import IMAGES, MB, upload_kind

OBJECTION_MATERIAL = upload_kind("levy_objection", "相关职能部门出具的证明", types=IMAGES, max_bytes=5 * MB,
                                 staff_roles=TAX | ADMIN)
