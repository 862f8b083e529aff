"""What placement asks the government registries (portal.feeds, through portal.feeds.calls'
retries and thread pool): the six sources of a person's year, the wizard's prefill, a unit's
monthly headcounts and whether a hand-added certificate is in the certificate registry. Nothing
here stores anything; a silent registry is an answer of None, never an error for the user."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F

from placement import rules
from placement.facts import SOURCES
from placement.models import PlacedPerson
from portal.feeds import get_feeds
from portal.feeds.calls import NOT_FOUND, call_with_retries, iter_in_threads


def fetch_each(persons: list[PlacedPerson], *, count_progress: bool = False):
    """Ask the six sources about every person; yield (person, {source: answer}) as soon as a
    person's six answers are in. With `count_progress` each answer moves the person's progress
    bar (the wizard's single person)."""
    feeds = get_feeds()
    questions = [(p, name) for p in persons for name in SOURCES]

    def ask(question):
        person, name = question
        answer = call_with_retries(
            lambda: getattr(feeds, name).person_year(person.id_number, person.declaration.business_year))
        if count_progress:
            PlacedPerson.objects.filter(pk=person.pk).update(verification_done=F("verification_done") + 1)
        return answer

    answers: dict[int, dict[str, object]] = {p.pk: {} for p in persons}
    for index, answer in iter_in_threads(ask, questions):
        person, name = questions[index]
        answers[person.pk][name] = answer
        if len(answers[person.pk]) == len(SOURCES):
            yield person, answers.pop(person.pk)


# --- the wizard's first step --------------------------------------------------------------------


@dataclass(frozen=True)
class Prefill:
    """What the registries say about an ID number, for the wizard's first step."""

    holder: object = None
    certificates: tuple = ()
    name_on_record: str = ""
    message: str = ""

    @property
    def found(self) -> bool:
        return self.holder is not None

    def initial(self) -> dict:
        if not self.holder:
            return {}
        return {"name": self.holder.name, "hukou_region": self.holder.hukou_region,
                "hukou_address": self.holder.hukou_address}


def prefill_lookup(*, id_number: str, year: int) -> Prefill:
    """Ask the certificate registry (holder, certificates) and social insurance (the name on
    record) about an ID number. A silent registry is no error: the agent types the data."""
    feeds = get_feeds()
    certs = call_with_retries(lambda: feeds.certificates.person_year(id_number, year), attempts=2)
    if certs is None:
        return Prefill(message="残疾人证登记系统暂时无法访问，请手动填写带*的内容，系统稍后会自动校验。")
    if certs is NOT_FOUND:
        return Prefill(message="残疾人证登记系统中没有该身份证号的持证记录，请手动填写并添加残疾证（需上传证件影像）。")
    si = call_with_retries(lambda: feeds.social_insurance.person_year(id_number, year), attempts=2)
    name_on_record = si.name_on_record if si not in (None, NOT_FOUND) else ""
    return Prefill(holder=certs.holder, certificates=tuple(certs.certificates), name_on_record=name_on_record)


# --- 在职职工人数 (DOMAIN.md §1) ----------------------------------------------------------------


@dataclass(frozen=True)
class Headcounts:
    monthly: dict = field(default_factory=dict)  # "1".."12" → the registry's figure (or None)
    average: int | None = None


def annual_average(monthly: dict) -> int | None:
    """The year's headcount: the average of the months the registry has a figure for, rounded
    half up to a whole person (the policy tables' default rounding)."""
    figures = [int(v) for v in monthly.values() if v is not None]
    if not figures:
        return None
    return int((Decimal(sum(figures)) / len(figures)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def unit_headcounts(credit_code: str, year: int) -> Headcounts | None:
    """The unit's monthly headcounts of the year from the social-insurance registry; None when it
    is silent or does not know the unit (the agent then types the figure in)."""
    answer = call_with_retries(lambda: get_feeds().social_insurance.unit_year(credit_code, year))
    if answer is None or answer is NOT_FOUND:
        return None
    monthly = {str(m): answer.month(year * 100 + m).headcount for m in rules.MONTHS}
    return Headcounts(monthly=monthly, average=annual_average(monthly))


# --- bulk approval of hand-added certificates -------------------------------------------------------


def certificate_in_registry(certificate) -> tuple[bool, str]:
    """Is this hand-added certificate now in the certificate registry, with the same kind and
    grade? A silent registry is not a match (never approve on an outage)."""
    person = certificate.person
    answer = call_with_retries(lambda: get_feeds().certificates.person_year(
        person.id_number, person.declaration.business_year), attempts=2)
    if answer is None:
        return False, "残疾人证登记系统暂未返回数据"
    if answer is NOT_FOUND:
        return False, "残疾人证登记系统没有该人员的记录"
    for record in answer.certificates:
        if record.number == certificate.number:
            if (record.kind, record.grade) != (certificate.kind, certificate.grade):
                return False, "与残疾人证登记系统的证件类型或等级不一致"
            return True, ""
    return False, "残疾人证登记系统没有该证号"
