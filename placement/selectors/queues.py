"""What the staff consoles read of the placement journey, through the one scope rule of
placement.selectors.scope: the reviewer's queues (persons, hand-added certificates, dispatch
agreements, requests), the certification queue, the declarations ready for 发送税务 and the
hand-offs of 发送税务查询, the tax officers' certified results, and one object's history."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from employers.selectors import employers_visible
from levy.selectors import certified_results_visible
from placement import choices as c
from placement.models import (
    AnnualDeclaration,
    Certificate,
    Contract,
    DeregistrationRequest,
    FeedbackRequest,
    MonthCheck,
    PlacedPerson,
    PlacementMonth,
    TaxDelivery,
    WithdrawalRequest,
)
from placement.predicates import last_review
from placement.selectors.scope import deliveries_visible, one, scoped
from portal.identity import mask_id
from portal.links import url_for
from portal.models import AuditEntry, Receipt
from portal.roles import ADMIN, FEDERATION
from portal.text import local_minute, waited
from portal.tones import tone

D, S, R, DS, DK = c.DeclarationStatus, c.PersonStatus, c.ReviewState, c.DeliveryStatus, c.DeliveryKind
STAFF_ONLY = FEDERATION | ADMIN


def _staff(qs: QuerySet, user, employer_path: str) -> QuerySet:
    """The federation's queues: its staff in their region (an agent never reaches them)."""
    if user.is_employer_agent:
        return qs.none()
    return scoped(qs, user, employer_path, roles=STAFF_ONLY)


# --- 安置登记审核 and the items reviewed with it -------------------------------------------------------


def persons_in_scope(user) -> QuerySet[PlacedPerson]:
    """The persons of the declarations in the user's region, scoped with a subquery (the queue
    sorts thousands of them: one semi-join is cheaper than three joins per row)."""
    declarations = _staff(AnnualDeclaration.objects.all(), user, "employer").values("pk")
    return PlacedPerson.objects.filter(declaration__in=declarations)


def persons_to_review(user) -> QuerySet[PlacedPerson]:
    """安置登记审核: persons 待审核 in the user's region."""
    return persons_in_scope(user).filter(status=S.PENDING_REVIEW)


def failed_check_q(check: str) -> Q:
    """Persons with a declared month whose `check` failed or is unanswered."""
    flagged = MonthCheck.objects.filter(person=OuterRef("pk"), item=check) \
        .exclude(outcome=c.Outcome.OK) \
        .filter(Exists(PlacementMonth.objects.filter(person=OuterRef("person"), month=OuterRef("month"),
                                                     selected=True)))
    return Q(Exists(flagged))


def certificates_visible(user) -> QuerySet[Certificate]:
    return _staff(Certificate.objects.filter(source=c.CertificateSource.MANUAL), user,
                  "person__declaration__employer").select_related("person__declaration__employer", "image",
                                                                   "reviewed_by")


def certificates_to_review(user) -> QuerySet[Certificate]:
    """Hand-added certificates of registered persons, waiting for a reviewer."""
    return certificates_visible(user).filter(review_state=R.PENDING, person__status=S.PENDING_REVIEW)


def dispatch_visible(user) -> QuerySet[Contract]:
    return _staff(Contract.objects.filter(is_dispatch=True), user, "person__declaration__employer") \
        .select_related("person__declaration__employer", "dispatch_agency", "attachment", "reviewed_by")


def dispatch_to_review(user) -> QuerySet[Contract]:
    """劳务派遣审核: dispatch agreements of registered persons, waiting for a reviewer."""
    return dispatch_visible(user).filter(review_state=R.PENDING, person__status=S.PENDING_REVIEW)


def reviewed_items(qs: QuerySet) -> QuerySet:
    """The items a queue lists: those that needed a review, of persons whose registration is complete."""
    return qs.exclude(review_state=R.NOT_NEEDED).filter(person__registered_at__isnull=False)


def person_queue_rows(pks: list[int]) -> list[dict]:
    """What each row of the person queue shows, in the order of `pks`: three narrow queries for the
    page, whatever its size (plain values, not model instances: this is the reviewers' busiest page)."""
    # the hand-added items a reviewer had to look at (issue 15, 13: a person confirmed by the
    # system had none, and the column must not say otherwise), asked with the person's row
    manual_certificate = Certificate.objects.filter(person=OuterRef("pk"), source=c.CertificateSource.MANUAL) \
        .exclude(review_state=R.NOT_NEEDED)
    dispatch = Contract.objects.filter(person=OuterRef("pk"), is_dispatch=True).exclude(review_state=R.NOT_NEEDED)
    people = {row[0]: row for row in PlacedPerson.objects.filter(pk__in=pks).annotate(
        manual_certificate=Exists(manual_certificate), dispatch=Exists(dispatch)).values_list(
        "pk", "name", "id_number", "status", "registered_at", "reviewed_at", "declaration__business_year",
        "declaration__employer_id", "declaration__employer__name", "manual_certificate", "dispatch")}
    selected: dict[int, set[int]] = {}
    for person_id, month in PlacementMonth.objects.filter(person_id__in=pks, selected=True) \
            .values_list("person_id", "month"):
        selected.setdefault(person_id, set()).add(month)
    flagged: dict[int, set[str]] = {}
    for person_id, month, item in MonthCheck.objects.filter(person_id__in=pks).exclude(outcome=c.Outcome.OK) \
            .values_list("person_id", "month", "item"):
        if month in selected.get(person_id, ()):
            flagged.setdefault(person_id, set()).add(item)
    now = timezone.now()
    review_url, unit_url = url_for("backoffice:person_review"), url_for("backoffice:unit_overview")
    labels = {check.value: check.label for check in c.Check}
    statuses = dict(S.choices)
    rows = []
    for pk in pks:
        if pk not in people:
            continue  # deleted since the page was counted
        _pk, name, id_number, status, registered_at, reviewed_at, year, unit_id, unit, certificate, agreement = people[pk]
        items = flagged.get(pk, set())
        checks = [labels[k] for k in labels if k in items] + ["手动添加的证件"] * certificate + ["劳务派遣协议"] * agreement
        rows.append({
            "pk": pk, "name": name, "masked_id": mask_id(id_number), "unit": unit, "unit_id": unit_id, "year": year,
            "unit_url": unit_url(unit_id),
            "months": len(selected.get(pk, ())), "flagged": "、".join(checks),
            "status": status, "status_label": statuses[status], "tone": tone(status),
            "url": review_url(pk), "registered_at": local_minute(registered_at),
            "waited": _waited_in_queue(status, registered_at, reviewed_at, now),
        })
    return rows


def _waited_in_queue(status: str, registered_at, reviewed_at, now) -> str:
    """已等待 runs only while the person waits for a reviewer; once decided the clock stops at the
    decision (a person the system confirmed never waited for anyone)."""
    if status == S.PENDING_REVIEW:
        return waited(now - registered_at)
    if reviewed_at is None or reviewed_at <= registered_at:
        return "—"
    return f"审核用时{waited(reviewed_at - registered_at)}"


def person_timeline(person: PlacedPerson) -> QuerySet[AuditEntry]:
    """The person's audit entries with those of their months, certificates and contracts, oldest first.
    The keys are read first and given as lists: asked as subqueries, PostgreSQL could not use the
    (content type, object) index and read the whole audit log for every review page (issue 20)."""
    related = (PlacementMonth, Certificate, Contract)
    types = ContentType.objects.get_for_models(PlacedPerson, *related)
    keys: dict[type, list[str]] = {PlacedPerson: [str(person.pk)], **{model: [] for model in related}}
    rows = [model.objects.filter(person=person).order_by().annotate(of_kind=Value(i)).values_list("of_kind", "pk")
            for i, model in enumerate(related)]
    for kind, pk in rows[0].union(*rows[1:], all=True):
        keys[related[kind]].append(str(pk))
    q = Q()
    for model, ids in keys.items():
        if ids:
            q |= Q(content_type=types[model], object_id__in=ids)
    return AuditEntry.objects.filter(q).order_by("at", "id")


def person_history(person: PlacedPerson) -> dict:
    """The record's and the review page's history: the timeline, and the decision that stands on
    the person (predicates.last_review) read off it, its newest person.review entry."""
    timeline = list(person_timeline(person))
    return {"timeline": timeline, "last_review": last_review(person, timeline)}


# --- 残疾人安置管理: one unit as a reviewer sees it (issue 15, 16) -----------------------------------------


def unit_overview(user, pk: int) -> dict:
    """A unit of the reviewer's region in one place: every year it declared with its persons, every
    request it made, and its history (the unit's, its declarations' and its requests' audit
    entries). A unit outside the region is a 404."""
    if user.is_employer_agent or user.role not in STAFF_ONLY:
        raise Http404("未找到该单位")
    employer = one(employers_visible(user), pk, "未找到该单位")
    declarations = list(AnnualDeclaration.objects.filter(employer=employer).select_related(
        "certificate", "certified_by").annotate(person_count=Count("persons")).order_by("-business_year"))
    persons: dict[int, list] = {}
    for person in PlacedPerson.objects.filter(declaration__employer=employer).order_by("registered_at", "pk") \
            .values("pk", "name", "id_number", "status", "confirmed_by", "registered_at", "declaration_id"):
        persons.setdefault(person["declaration_id"], []).append(
            {**person, "masked_id": mask_id(person["id_number"]), "status_label": S(person["status"]).label,
             "tone": tone(person["status"])})
    withdrawals = list(WithdrawalRequest.objects.filter(declaration__employer=employer)
                       .select_related("declaration", "decided_by").order_by("-submitted_at"))
    feedback = list(FeedbackRequest.objects.filter(declaration__employer=employer)
                    .select_related("declaration", "decided_by").order_by("-submitted_at"))
    deregistrations = list(DeregistrationRequest.objects.filter(employer=employer).select_related("decided_by")
                           .order_by("-submitted_at"))
    types = ContentType.objects.get_for_models(type(employer), AnnualDeclaration, WithdrawalRequest, FeedbackRequest,
                                               DeregistrationRequest)
    q = Q(content_type=types[type(employer)], object_id=str(employer.pk))
    for model, rows in ((AnnualDeclaration, declarations), (WithdrawalRequest, withdrawals),
                        (FeedbackRequest, feedback), (DeregistrationRequest, deregistrations)):
        q |= Q(content_type=types[model], object_id__in=[str(r.pk) for r in rows])
    history = list(AuditEntry.objects.filter(q).order_by("-at", "-id")[:200])[::-1]
    return {
        "employer": employer,
        "years": [{"declaration": d, "persons": persons.get(d.pk, [])} for d in declarations],
        "requests": [
            *[{"kind": "年审申报撤回（认证后）" if r.after_certification else "年审申报撤回", "request": r, "text": r.reason,
               "url": reverse("tax:withdrawal_decide" if r.after_certification else "backoffice:withdrawal_decide",
                              args=[r.pk])} for r in withdrawals],
            *[{"kind": "年审认证反馈", "request": r, "text": r.text, "url": reverse("tax:feedback_decide", args=[r.pk])}
              for r in feedback],
            *[{"kind": "单位注销安置登记", "request": r, "text": r.reason,
               "url": reverse("backoffice:deregistration_decide", args=[r.pk])} for r in deregistrations],
        ],
        "history": history,
    }


# --- the requests ------------------------------------------------------------------------------------------


def withdrawals_visible(user, *, after_certification: bool = False) -> QuerySet[WithdrawalRequest]:
    """年审申报撤回 before certification (the reviewer's queue) or after it (the supervisors')."""
    return _staff(WithdrawalRequest.objects.filter(after_certification=after_certification), user,
                  "declaration__employer").select_related("declaration__employer", "declaration__certified_by",
                                                          "submitted_by", "decided_by")


def feedback_visible(user) -> QuerySet[FeedbackRequest]:
    return _staff(FeedbackRequest.objects.all(), user, "declaration__employer").select_related(
        "declaration__employer", "declaration__certified_by", "submitted_by", "decided_by")


def deregistrations_visible(user) -> QuerySet[DeregistrationRequest]:
    return _staff(DeregistrationRequest.objects.all(), user, "employer") \
        .select_related("employer", "submitted_by", "decided_by", "signed_form")


def open_requests(qs: QuerySet) -> QuerySet:
    return qs.filter(status=c.RequestStatus.SUBMITTED).order_by("submitted_at", "pk")


# --- 年审认证审核, 发送税务 ------------------------------------------------------------------------------


def declarations_submitted(user) -> QuerySet[AnnualDeclaration]:
    """Submitted declarations in the user's region (the 工作台 counts them: no joins, no figures)."""
    return _staff(AnnualDeclaration.objects.filter(status=D.SUBMITTED), user, "employer")


def certification_queue(user) -> QuerySet[AnnualDeclaration]:
    """年审认证审核: submitted declarations, oldest submission first, with their person counts."""
    return (
        declarations_submitted(user)
        .select_related("employer__fed_region", "submitted_by")
        .annotate(person_count=Count("persons"),
                  unconfirmed=Count("persons", filter=~Q(persons__status=S.CONFIRMED)))
        .order_by("submitted_at", "pk")
    )


def declaration_for_review(user, pk: int) -> AnnualDeclaration:
    qs = _staff(AnnualDeclaration.objects.all(), user, "employer").select_related(
        "employer__fed_region", "employer__tax_region", "submitted_by", "certified_by", "returned_by", "certificate")
    return one(qs, pk, "未找到该申报")


def declarations_to_send(user) -> QuerySet[AnnualDeclaration]:
    """发送税务: certified declarations with no live delivery of their certificate yet, or whose
    delivery failed (sending again re-drives it). Oldest certification first."""
    live = _live_deliveries()
    return (
        _certified(user)
        .select_related("employer__tax_region", "certificate", "certified_by")
        .annotate(in_flight=Exists(live.exclude(status=DS.FAILED)), failed=Exists(live.filter(status=DS.FAILED)))
        .filter(in_flight=False)
        .order_by("certified_at", "pk")
    )


def declarations_never_sent(user) -> QuerySet[AnnualDeclaration]:
    """The dashboard's 发送税务: certified declarations never handed over. One whose hand-off failed
    is counted once, under 发送税务失败 (issue 15, 18), though the 发送税务 page lists it to resend.
    (No delivery at all that is not cancelled: one semi-join, where the page's list needs two.)"""
    return _certified(user).exclude(Exists(_live_deliveries()))


def _certified(user) -> QuerySet[AnnualDeclaration]:
    return _staff(AnnualDeclaration.objects.filter(status=D.CERTIFIED), user, "employer")


def _live_deliveries() -> QuerySet[TaxDelivery]:
    """The declaration's certificate's result hand-offs that count (a cancelled one does not)."""
    return TaxDelivery.objects.filter(certificate=OuterRef("certificate"), kind=DK.RESULT).exclude(status=DS.CANCELLED)


def deliveries_listed(user) -> QuerySet[TaxDelivery]:
    """发送税务查询: every hand-off of the user's scope — results and revocations, the cancelled ones
    too (已作废) — newest first."""
    return deliveries_visible(user)


def failed_deliveries(user) -> QuerySet[TaxDelivery]:
    """The dashboard's and the list's alert: hand-offs that failed and wait for a retry."""
    return deliveries_visible(user).filter(status=DS.FAILED)


def delivery_for(user, pk: int) -> TaxDelivery:
    return one(deliveries_visible(user), pk, "未找到该发送记录")


# --- the tax officers' console ----------------------------------------------------------------------


def _hand_off(kind: str):
    return TaxDelivery.objects.filter(certificate__reference=OuterRef("certificate_reference"), kind=kind)


def tax_results(user):
    """认定结果: certified figures of the units whose 税务主管部门 lies in the user's region (the
    cancelled ones as 已作废), newest first, each with the state of its hand-off (None: not sent)
    and, for a cancelled one, of its revocation."""
    return certified_results_visible(user).annotate(
        delivery_status=Subquery(_hand_off(DK.RESULT).values("status")[:1]),
        revocation_status=Subquery(_hand_off(DK.REVOCATION).values("status")[:1]),
    ).order_by("-business_year", "-updated_at", "-pk")


def tax_result_for(user, pk: int):
    """One certified result in the user's scope, with its roster."""
    return one(certified_results_visible(user).prefetch_related("persons"), pk, "未找到该认定结果")


def tax_hand_offs(figures) -> tuple:
    """A certified result's result and revocation hand-offs (None where there is none)."""
    hand_offs = {d.kind: d for d in TaxDelivery.objects.filter(certificate__reference=figures.certificate_reference)
                 .select_related("acknowledged_by")}
    return hand_offs.get(DK.RESULT), hand_offs.get(DK.REVOCATION)


def tax_result_certificate(user, pk: int):
    """The 审核认定书 (its receipt) of one certified result in the user's scope, or None."""
    figures = one(certified_results_visible(user), pk, "未找到该认定结果")
    return Receipt.objects.filter(reference=figures.certificate_reference).select_related("document").first()
