"""Who may change what in the placement journey, and when: the named predicates the transitions
carry (portal.workflow). Services, views, templates and the API all ask these, so a page can never
offer what the service would refuse.

Conditions take the object; permissions take the user and the object. Each says why it refuses."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from employers.selectors import employer_of
from placement import choices as c
from placement.window import filing_window_of
from portal.guards import allowed, guard
from portal.models import AuditEntry
from portal.predicates import (
    different_person,
    employer_in_scope,
    is_employer_agent,
    is_federation_staff,
    is_supervisor,
    is_system,
    is_tax_officer,
)

D, S, R = c.DeclarationStatus, c.PersonStatus, c.RequestStatus

ALREADY_SUBMITTED = "本年度已完成申报，请勿重复提交。如需修改，请申请年审申报撤回。"
NOT_DRAFT = "本年度已完成申报，不能再修改安置人员。如需修改，请先申请年审申报撤回。"


# --- the declaration -------------------------------------------------------------------------------


@guard(NOT_DRAFT)
def declaration_is_draft(declaration) -> bool:
    return declaration.status == D.DRAFT


_SUMMARY_OF = {(S.CONFIRMED, c.ConfirmedBy.SYSTEM): "by_system", (S.CONFIRMED, c.ConfirmedBy.REVIEWER): "by_reviewer",
               S.PARTIALLY_REJECTED: "partially_rejected", S.REJECTED: "rejected", S.PENDING_REVIEW: "pending_review",
               S.INCOMPLETE: "incomplete"}


def status_summary(declaration, rows=None) -> dict:
    """已登记 / 审核通过(系统) / 审核通过(人工) / 部分审核不通过 / 审核不通过 / 待审核 / 资料待完善, counted
    from each person's (status, confirmed_by): `rows` when the page loaded them already (首页), else read."""
    if rows is None:
        rows = declaration.person_rows().values_list("status", "confirmed_by")
    summary = dict.fromkeys(["total", *_SUMMARY_OF.values()], 0)
    for status, confirmed_by in rows:
        summary["total"] += 1
        key = _SUMMARY_OF.get((status, confirmed_by)) or _SUMMARY_OF.get(status)
        if key:
            summary[key] += 1
    return summary


@dataclass(frozen=True)
class OpenMatter:
    """One thing that stands between a started draft and 完成申报, with the page that settles it."""

    text: str
    url: str  # the URL name of that page
    waiting: bool = False  # the federation acts, not the unit


def open_matters(declaration, summary: dict) -> list[OpenMatter]:
    """What stands between the declaration and 完成申报, in the order to do it: one list, worded once,
    for 首页's “接下来要做什么” and for the check-answers page's blockers, so the two never disagree."""
    matters = []
    if summary["incomplete"]:
        matters.append(OpenMatter(f"{summary['incomplete']} 名人员资料待完善（未完成登记或缺少证明材料），请继续登记或删除",
                                  "placement:list"))
    # the actions each state allows (PlacedPerson.accept_result takes a partial rejection only)
    if summary["partially_rejected"]:
        matters.append(OpenMatter(f"{summary['partially_rejected']} 名人员部分审核不通过，请“接受审核结果”或“重新登记”",
                                  "placement:list"))
    if summary["rejected"]:
        matters.append(OpenMatter(f"{summary['rejected']} 名人员审核不通过，请“删除”或“重新登记”", "placement:list"))
    if summary["pending_review"]:
        matters.append(OpenMatter(f"{summary['pending_review']} 名人员待残联审核，无需操作，请等待审核结果通知",
                                  "placement:list", waiting=True))
    if declaration.headcount_confirmed_at is None:
        figure = f"（社保登记 {declaration.headcount} 人，待确认）" if declaration.headcount is not None else ""
        matters.append(OpenMatter(f"请先确认本年度在职职工人数{figure}", "placement:headcount"))
    return matters


def submission_blockers(declaration) -> list[str]:
    """What still stands between the declaration and 完成申报 (the check-answers page lists them)."""
    summary = status_summary(declaration)
    nobody = ["本年度尚未登记安置人员。未安置残疾人的单位无需办理年审认证。"] if summary["total"] == 0 else []
    return nobody + [m.text for m in open_matters(declaration, summary)]


def certification_blockers(declaration) -> list[str]:
    """Why a submitted declaration cannot be certified now (empty when it can)."""
    problems = []
    persons = declaration.person_rows()
    if not persons.exists():
        problems.append("申报中没有安置人员")
    unconfirmed = persons.exclude(status=S.CONFIRMED).count()
    if unconfirmed:
        problems.append(f"还有 {unconfirmed} 名安置人员未审核确认")
    if declaration.headcount is None:
        problems.append("在职职工人数未确认")
    return problems


def _window_message(declaration) -> str:
    window = filing_window_of(declaration)
    if window is None:
        return "政策参数表未设置本地区的年审申报时间，请联系残联主管部门"
    return f"{declaration.business_year}年度的年审申报时间为{window.text}，当前不在申报期内，不能完成申报"


@guard(_window_message)
def filing_window_open(declaration) -> bool:
    window = filing_window_of(declaration)
    return window is not None and window.is_open(timezone.localdate())


def _blockers_message(declaration) -> str:
    return "不能完成申报：" + "；".join(submission_blockers(declaration))


@guard(_blockers_message)
def nothing_blocks_submission(declaration) -> bool:
    return not submission_blockers(declaration)


def _certification_message(declaration) -> str:
    return "；".join(certification_blockers(declaration))


@guard(_certification_message)
def nothing_blocks_certification(declaration) -> bool:
    return not certification_blockers(declaration)


def declaration_refused_certify(declaration) -> str:
    if declaration.status in (D.CERTIFIED, D.SENT_TO_TAX):
        who = declaration.certified_by.display_name if declaration.certified_by_id else "他人"
        return f"该申报已由{who}于{timezone.localtime(declaration.certified_at):%Y-%m-%d %H:%M}认证通过"
    return f"申报状态为“{declaration.get_status_display()}”，只有已完成申报的可以认证"


# --- who: the unit's own agent, staff in the unit's region ------------------------------------------


def _employer_of(obj):
    """The unit an object belongs to (a declaration, a person, a request, an item of a person)."""
    for path in ("employer", "declaration", "person", "request"):
        target = getattr(obj, path, None)
        if target is None:
            continue
        return target if path == "employer" else _employer_of(target)
    return None


@guard("该单位不在您的管辖范围内")
def unit_in_scope(user, obj) -> bool:
    employer = _employer_of(obj)
    return employer is not None and employer_in_scope(user, employer)


@guard("只能办理本单位的事项")
def own_unit(user, obj) -> bool:
    employer = employer_of(user)
    return employer is not None and employer.pk == _employer_of(obj).pk


@guard("认证后的年审申报撤回会撤销已出具的审核认定书，须由残联业务主管审核。请联系业务主管办理。")
def supervisor_after_certification(user, request) -> bool:
    return not request.after_certification or is_supervisor.test(user, request)


@guard("您是该申报的认证审核人。为避免一人既认证又撤销（双人复核），认证后的撤回须由"
       "未参与该申报认证的另一位业务主管审核。", code="four_eyes")
def certifier_not_undoing_withdrawal(user, request) -> bool:
    return not request.after_certification or different_person(user, request.declaration.certified_by_id)


@guard("同意重新申报会撤销已出具的审核认定书，须由残联业务主管办理；您可以答复或不予受理。")
def supervisor_reopening(user, request) -> bool:
    return is_supervisor.test(user, request)


@guard("同意重新申报须由未参与该申报认证的人员办理（双人复核）", code="four_eyes")
def certifier_not_reopening(user, request) -> bool:
    return different_person(user, request.declaration.certified_by_id)


agent_of_unit = allowed(is_employer_agent, own_unit)
federation_in_scope = allowed(is_federation_staff, unit_in_scope)
withdrawal_decider = allowed(is_federation_staff, unit_in_scope, supervisor_after_certification,
                             certifier_not_undoing_withdrawal)
# a feedback approved as a reopening undoes a certificate: a supervisor who did not certify it (issue 14)
reopening_decider = allowed(is_federation_staff, unit_in_scope, supervisor_reopening, certifier_not_reopening)


@guard("只有残联审核人员可以办理")
def system_or_federation(user, obj) -> bool:
    return is_system.test(user, obj) or is_federation_staff.test(user, obj)


@guard("只有税务人员可以确认接收")
def system_or_tax_officer(user, obj) -> bool:
    return is_system.test(user, obj) or is_tax_officer.test(user, obj)


@guard("该单位不在您的管辖范围内")
def system_or_in_scope(user, obj) -> bool:
    return is_system.test(user, obj) or unit_in_scope.test(user, obj)


system_or_federation_in_scope = allowed(system_or_federation, system_or_in_scope)
system_or_tax_in_scope = allowed(system_or_tax_officer, system_or_in_scope)


# --- a placed person ----------------------------------------------------------------------------------


@guard(NOT_DRAFT)
def person_declaration_is_draft(person) -> bool:
    return person.declaration.status == D.DRAFT


@guard(lambda person: f"该人员状态为“{person.get_status_display()}”，请先“重新登记”再修改")
def person_is_incomplete(person) -> bool:
    return person.status == S.INCOMPLETE


@guard("请先审核该人员手动添加的残疾证和劳务派遣协议，再认定各月份")
def no_items_awaiting_review(person) -> bool:
    return not items_awaiting_review(person)


def items_awaiting_review(person, rows=None) -> bool:
    """A hand-added certificate or a dispatch agreement still waits for its own review: the months
    are decided after them (their outcome changes the grid). Read off the person's certificate and
    contract `rows` when a page has loaded them."""
    if rows is not None:
        return any(row.review_state == c.ReviewState.PENDING for row in rows)
    return (person.certificates.filter(review_state=c.ReviewState.PENDING).exists()
            or person.contracts.filter(review_state=c.ReviewState.PENDING).exists())


@guard("已审核确认的人员不再重新校验")
def person_not_confirmed(person) -> bool:
    return person.status != S.CONFIRMED


def person_editable(person) -> bool:
    """The wizard's inputs are live: a draft declaration and a person still being registered."""
    return person_declaration_is_draft(person) and person_is_incomplete(person)


REVIEW_ACTION = "person.review"  # the audit action of a reviewer's decision on a person


def last_review(person, timeline=None) -> AuditEntry | None:
    """The audit entry of the decision that stands on this person, if any: the newest person.review
    entry, read off the person's `timeline` (oldest first) when a page has loaded it."""
    own, key = ContentType.objects.get_for_model(type(person)).pk, str(person.pk)
    if timeline is not None:
        return next((entry for entry in reversed(timeline) if entry.action == REVIEW_ACTION
                     and entry.content_type_id == own and entry.object_id == key), None)
    return (AuditEntry.objects.filter(content_type_id=own, object_id=key, action=REVIEW_ACTION)
            .order_by("-at", "-id").first())


def person_refused_review(person) -> str:
    entry = last_review(person)
    if entry is not None and person.status != S.INCOMPLETE:
        return (f"该人员已由{entry.actor_repr}于{timezone.localtime(entry.at):%Y-%m-%d %H:%M}审核，结果为"
                f"“{person.get_status_display()}”。您的认定未保存，请查看下方已生效的审核结果。")
    return f"该人员当前状态为“{person.get_status_display()}”，不在待审核状态，您的认定未保存。"


# --- the requests after submission -----------------------------------------------------------------------


def request_refused(request) -> str:
    who = request.decided_by.display_name if request.decided_by_id else "他人"
    return f"该申请已由{who}办理（{request.get_status_display()}）"
