"""The menus of the manuals, by role. An item appears once its page exists (its URL name
resolves), so each app lights up its own entry."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from portal.roles import ADMIN, EMPLOYER, EVERYONE, FEDERATION, STAFF, TAX, UNION


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset


MENU = [
    NavItem("首页", "home", EMPLOYER),
    NavItem("工作台", "home", STAFF),
    NavItem("残疾人安置管理", "placement:list", EMPLOYER),
    NavItem("单位信息维护管理", "employers:unit", EMPLOYER),
    NavItem("残保金征缴", "levy:home", EMPLOYER),
    NavItem("缓减免申请", "levy:relief", EMPLOYER),
    NavItem("残保金计算器", "levy:calculator", EMPLOYER),
    NavItem("超比例奖励申请", "levy:reward", EMPLOYER),
    NavItem("退休住院计划", "insurance:batches", EMPLOYER),
    # every queue of the 工作台 has its menu entry (issue 15, 11)
    NavItem("安置登记审核", "backoffice:person_queue", FEDERATION),
    NavItem("残疾证审核", "backoffice:certificate_queue", FEDERATION),
    NavItem("劳务派遣审核", "backoffice:dispatch_queue", FEDERATION),
    NavItem("年审认证审核", "tax:certification_queue", FEDERATION),
    NavItem("年审申报撤回", "backoffice:withdrawal_queue", FEDERATION),
    NavItem("认证反馈审核", "tax:requests", FEDERATION),
    NavItem("单位注销安置登记", "backoffice:deregistration_queue", FEDERATION),
    NavItem("发送税务", "tax:send", FEDERATION),
    NavItem("发送税务查询", "tax:deliveries", FEDERATION),
    NavItem("超比例奖励审核", "backoffice:reward_queue", FEDERATION),
    NavItem("认定结果", "tax:results", TAX),
    NavItem("残保金征缴", "tax:levy_assessments", TAX),
    NavItem("残保金异议", "tax:levy_objections", TAX),
    NavItem("缴费记录", "tax:levy_payments", TAX),
    NavItem("年终批量核定", "tax:levy_bulk", TAX),
    NavItem("缓减免审核", "tax:levy_reliefs", TAX),
    NavItem("参保批次审核", "backoffice:union_batch_queue", UNION),
    NavItem("缴费凭证审核", "backoffice:union_voucher_queue", UNION),
    NavItem("代扣文件", "backoffice:union_runs", UNION),
    NavItem("参保批次查询", "backoffice:union_batches", UNION),
    NavItem("参保编码申请审核", "backoffice:code_applications", UNION),
    NavItem("单位名称修改审核", "backoffice:name_changes", UNION),
    NavItem("通知公告管理", "backoffice:announcements", FEDERATION),
    NavItem("通知公告", "notice_list", EVERYONE),
    NavItem("帮助", "help", EVERYONE),  # the role's help pages and 系统操作手册 (issue 15)
    NavItem("用户管理", "console_staff", ADMIN),
    NavItem("审计日志", "console_audit", ADMIN),
    NavItem("运行状态", "console_health", ADMIN),
    NavItem("接口令牌", "console_tokens", ADMIN | TAX),
    NavItem("模拟数据源", "feeds:people", ADMIN),
]


def menu_for(user, current_path: str) -> list[dict]:
    items = []
    for item in MENU:
        if user.role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # the feature is not built yet
        items.append({"label": item.label, "url": url, "active": False})
    # the one entry the page belongs to: the longest URL it starts with (/tax/levy/reliefs/ is 缓减免审核,
    # not also 残保金征缴 at /tax/levy/)
    matches = [i for i in items if (current_path == i["url"] if i["url"] == "/" else current_path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
