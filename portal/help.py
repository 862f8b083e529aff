"""帮助: the portal's own help pages, by role, and the 系统操作手册 built from them (issue 15).

Each topic is one template under templates/help/ (its body only); the pages and the PDF render the
same templates, so the manual can never say something the pages do not."""

from dataclasses import dataclass

from portal.roles import ADMIN, EMPLOYER, FEDERATION, TAX, UNION, Role


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    roles: frozenset

    @property
    def template(self) -> str:
        return f"help/{self.slug}.html"


TOPICS = [
    Topic("start", "首页与办理进度", EMPLOYER),
    Topic("add-person", "添加残疾人（安置登记四步）", EMPLOYER),
    Topic("person-list", "安置人员列表与审核状态", EMPLOYER),
    Topic("filing", "完成申报与承诺书", EMPLOYER),
    Topic("requests", "年审申报撤回、认证反馈与注销", EMPLOYER),
    Topic("unit", "单位信息与经办人", EMPLOYER),
    Topic("certificate-faq", "残疾证相关问题解答", EMPLOYER | FEDERATION),
    Topic("review", "安置登记审核与年审认证", FEDERATION),
    Topic("tax", "认定结果与接口令牌", TAX | ADMIN),
    Topic("union", "退休住院计划审核", UNION),
    Topic("admin", "用户管理与运行状态", ADMIN),
]

MANUAL_TITLES = {
    Role.EMPLOYER_AGENT: "系统操作手册（用人单位经办人）",
    Role.FED_REVIEWER: "系统操作手册（残联业务人员）",
    Role.FED_SUPERVISOR: "系统操作手册（残联业务主管）",
    Role.TAX_OFFICER: "系统操作手册（税务人员）",
    Role.UNION_ADMIN: "系统操作手册（职保会管理员）",
    Role.SYSTEM_ADMIN: "系统操作手册（系统管理员）",
}


def topics_for(role: str) -> list[Topic]:
    """The topics a role reads, in the manual's order."""
    return [topic for topic in TOPICS if role in topic.roles]


def topic_for(role: str, slug: str) -> Topic | None:
    return next((topic for topic in topics_for(role) if topic.slug == slug), None)
