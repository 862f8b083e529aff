"""Demo data for `make run`: who is in the demo (staff for every role in Shanghai, Inner Mongolia
and Liaoning; the demo units and their agents) and the steps of the base: the staff accounts and the
notices. Each app builds its own rows for this cast in its `demo` module (the units and their
agents: employers/demo.py), found by `manage.py load_demo`. Idempotent: running it twice changes
nothing."""

import binascii
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import uscc

from portal.models import Notice, Region
from portal.notices import notice_post
from portal.roles import Role

User = get_user_model()
DEMO_PASSWORD = "Demo#2026portal"


@dataclass(frozen=True)
class DemoStaff:
    username: str
    full_name: str
    role: str
    region: str | None
    union_district: str = ""  # union staff: the 区局工会 whose units they see


@dataclass(frozen=True)
class DemoUnit:
    key: str
    name: str
    credit_code_body: str  # 17 characters; the check character is computed
    region: str
    agent: str
    agent_name: str
    phone: str

    @property
    def credit_code(self) -> str:
        return self.credit_code_body + uscc.calc_check_digit(self.credit_code_body + "0")


STAFF = [
    DemoStaff("admin", "系统管理员", Role.SYSTEM_ADMIN, None),
    DemoStaff("reviewer-sh", "上海残联审核员", Role.FED_REVIEWER, "310000"),
    DemoStaff("supervisor-sh", "上海残联主管", Role.FED_SUPERVISOR, "310000"),
    DemoStaff("tax-sh", "上海税务专员", Role.TAX_OFFICER, "310000"),
    DemoStaff("union-sh", "上海职保会管理员", Role.UNION_ADMIN, "310000", "徐汇区总工会"),
    DemoStaff("union-hp", "黄浦区职保会管理员", Role.UNION_ADMIN, "310000", "黄浦区总工会"),
    DemoStaff("reviewer-nm", "呼和浩特残联审核员", Role.FED_REVIEWER, "150100"),
    DemoStaff("supervisor-nm", "呼和浩特残联主管", Role.FED_SUPERVISOR, "150100"),
    DemoStaff("tax-nm", "呼和浩特税务专员", Role.TAX_OFFICER, "150100"),
    DemoStaff("reviewer-ln", "和平区残联审核员", Role.FED_REVIEWER, "210102"),
    DemoStaff("supervisor-ln", "和平区残联主管", Role.FED_SUPERVISOR, "210102"),
    DemoStaff("tax-ln", "和平区税务专员", Role.TAX_OFFICER, "210102"),
]

UNITS = [
    DemoUnit("sh", "上海浦江精密仪器有限公司", "91310104MA1FL3X8Q", "310104", "agent-sh@demo.cn", "王丽华", "021-64870000"),
    DemoUnit("nm", "内蒙古草原乳业有限责任公司", "91150102MA0N7K2P5", "150102", "agent-nm@demo.cn", "巴特尔", "0471-6930000"),
    DemoUnit("ln", "沈阳和平机械制造有限公司", "91210102MA0Y9T4R2", "210102", "agent-ln@demo.cn", "李建国", "024-23450000"),
    # a unit whose certified year has requests waiting in the reviewers' queues (placement.demo)
    DemoUnit("ln2", "沈阳和平商贸有限公司", "91210102MA0Y9T5K7", "210102", "agent-ln2@demo.cn", "赵敏", "024-23451111"),
    # units whose filed years fill the reviewers' queues in every region (issue 15, 23; placement.demo
    # FILED): a declaration submitted with a withdrawal asked ("-sub"), one certified with a feedback,
    # a withdrawal and a deregistration waiting ("-cert"), one whose hand-off to tax failed ("-fail"),
    # and a unit with persons, a hand-added certificate and a dispatch agreement to review ("-rev")
    *[DemoUnit(key, name, body, region, f"agent-{key}@demo.cn", agent, phone) for key, name, body, region, agent, phone in (
        ("sh-sub", "上海徐汇康泰医疗器械有限公司", "91310104MA1RQ0B1C", "310104", "林晓燕", "021-64871001"),
        ("sh-cert", "上海漕溪文化传播有限公司", "91310104MA1RQ0B2D", "310104", "黄志伟", "021-64871002"),
        ("sh-fail", "上海宜山物流有限公司", "91310104MA1RQ0B3E", "310104", "徐静", "021-64871003"),
        ("nm-sub", "呼和浩特市草原印务有限公司", "91150102MA0RQ0B1C", "150102", "包金花", "0471-6931001"),
        ("nm-cert", "呼和浩特市青城食品有限公司", "91150102MA0RQ0B2D", "150102", "苏和", "0471-6931002"),
        ("nm-fail", "呼和浩特市昭君物流有限公司", "91150102MA0RQ0B3E", "150102", "王海峰", "0471-6931003"),
        ("nm-rev", "呼和浩特市大青山服装有限公司", "91150102MA0RQ0B4F", "150102", "萨仁", "0471-6931004"),
        ("ln-sub", "沈阳和平印刷有限公司", "91210102MA0RQ0B1C", "210102", "孙丽", "024-23452001"),
        ("ln-fail", "沈阳和平仓储有限公司", "91210102MA0RQ0B3E", "210102", "周强", "024-23452003"),
    )],
]
# the units a person logs in as to try the portal (README); the queue units are for the reviewers
MAIN_UNITS = ("sh", "nm", "ln", "ln2")
COLLEAGUES = [("sh", "agent2-sh@demo.cn", "陈思远")]


def totp_key_for(username: str) -> str:
    """A fixed 20-byte key per demo account, so `make totp USER=…` can print today's code."""
    raw = (username.encode() * 20)[:20]
    return binascii.hexlify(raw).decode()


def load_accounts() -> None:
    """The staff accounts, each with its authenticator (the agents' accounts come with their units,
    employers/demo.py)."""
    with transaction.atomic():
        for s in STAFF:
            user, created = User.objects.get_or_create(
                username=s.username,
                defaults={"full_name": s.full_name, "role": s.role, "region_id": s.region,
                          "union_district": s.union_district,
                          "is_staff": s.role == Role.SYSTEM_ADMIN, "is_superuser": s.role == Role.SYSTEM_ADMIN},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            elif s.union_district and not user.union_district:  # a demo database from before 区局工会
                user.union_district = s.union_district
                user.save(update_fields=["union_district"])
            TOTPDevice.objects.get_or_create(
                user=user, name="演示验证器", defaults={"key": totp_key_for(s.username), "confirmed": True}
            )


def load_notices() -> None:
    admin = User.objects.get(username="admin")
    notice_post(
        title="关于开展2026年度残疾人按比例就业情况联网认证工作的通知",
        body=(
            "各用人单位：\n2026年度（业务年度2025年）按比例就业情况联网认证工作已经开始。"
            "请在本地区规定的时间内完成残疾人安置登记和年审申报。逾期未申报的，视为未安排残疾人就业。"
        ),
        kind=Notice.Kind.ANNOUNCEMENT, actor=admin, dedupe_key="demo:notice:national",
    )
    for code, region_name in (("310000", "上海市"), ("150100", "呼和浩特市"), ("210102", "和平区")):
        notice_post(
            title=f"{region_name}残保金征缴工作提示",
            body=f"{region_name}用人单位请注意：完成年审认证后，请按期缴纳残疾人就业保障金。超过缴费期限的，按日加收5‰滞纳金。",
            region=Region.objects.get(code=code), kind=Notice.Kind.ANNOUNCEMENT, actor=admin,
            dedupe_key=f"demo:notice:{code}",
        )


DEMO_ORDER = 10  # the base: before every app's steps (see load_demo)
DEMO_STEPS = [load_accounts, load_notices]


def demo_logins() -> list[tuple[str, str, str]]:
    rows = [(u.agent, "用人单位经办人", u.name) for u in UNITS if u.key in MAIN_UNITS]
    rows += [(email, "用人单位经办人（受邀）", next(u.name for u in UNITS if u.key == key)) for key, email, _ in COLLEAGUES]
    rows += [(s.username, Role(s.role).label, Region.objects.get(code=s.region).full_name if s.region else "全国") for s in STAFF]
    return rows
