"""模拟数据源: administrators list and edit the mock registries' records to stage a case. Thin
views: parse, select, call one service, render or redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from portal.access import roles_required
from portal.feeds import selectors, services
from portal.feeds.forms import CertificateForm, HeadcountForm, IntakeForm, MonthForm, PersonForm, UnitForm
from portal.feeds.models import Certificate, IntakeSubmission, MonthRecord, RegistryPerson, RegistryUnit
from portal.feeds.types import months_of
from portal.models import Region
from portal.pii import pii_reveal
from portal.roles import ADMIN
from portal.views.base import paginate

YEARS = (2024, 2025, 2026)


def _year(request, default: int = 2025) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 1990 <= int(raw) <= 2100 else default


def _saved(form, call):
    """Run a service; a model validation error goes back onto the form (None returned)."""
    try:
        return call()
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


def _form_page(request, form, *, title: str, back: tuple[str, str], lead: str = "", submit: str = "保存"):
    return render(request, "feeds/form.html",
                  {"form": form, "title": title, "back_label": back[0], "back_url": back[1], "lead": lead,
                   "submit": submit})


def _edit(request, form, save, *, success: str, next_url: str, **page):
    """A model form page: on a valid POST, `save(fields)` calls the service with the form's fields."""
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if _saved(form, lambda: save(fields)):
            messages.success(request, success)
            return redirect(next_url)
    return _form_page(request, form, **page)


@roles_required(ADMIN)
def people(request):
    q, kind = request.GET.get("q", ""), request.GET.get("kind", "")
    page, query = paginate(request, selectors.person_search(q=q, kind=kind))
    return render(request, "feeds/people.html", {
        "page": page, "query": query, "q": q, "kind": kind, "kinds": selectors.PERSON_KINDS, "tab": "people"})


@roles_required(ADMIN)
def person_detail(request, pk: int):
    """A registry person, ID and certificate numbers masked; POST reveal shows them in full once,
    each an audited read like everywhere else (issue 14, point 13)."""
    person = get_object_or_404(RegistryPerson.objects.select_related("retiree_unit"), pk=pk)
    year = _year(request)
    certificates = list(person.certificates.all())
    revealed = request.method == "POST" and "reveal" in request.POST
    if revealed:
        person.revealed_id = pii_reveal(actor=request.user, obj=person, field="id_number", label="身份证号")
        for certificate in certificates:
            certificate.revealed_number = pii_reveal(actor=request.user, obj=certificate, field="number",
                                                     label="残疾证号")
    return render(request, "feeds/person_detail.html", {
        "person": person, "year": year, "years": sorted(set(YEARS) | set(selectors.person_years(person=person))),
        "months": selectors.person_year_months(person=person, year=year),
        "certificates": certificates, "revealed": revealed,
        "hukou": Region.objects.filter(code=person.hukou_region).values_list("full_name", flat=True).first(),
    })


@roles_required(ADMIN)
def person_edit(request, pk: int):
    person = get_object_or_404(RegistryPerson, pk=pk)
    url = reverse("feeds:person", args=[pk])
    if request.method == "GET" and person.pension_account:  # the form shows the full account: audited
        pii_reveal(actor=request.user, obj=person, field="pension_account", label="养老金账户")
    # A valid model form has already written its values into its instance: the service gets a
    # fresh row, so that it can tell (and audit) what changed.
    return _edit(
        request, PersonForm(request.POST or None, instance=person),
        lambda fields: services.registry_person_update(
            actor=request.user, person=RegistryPerson.objects.get(pk=pk), **fields),
        success="已保存，下一次数据源查询即返回新的信息。", next_url=url,
        title=f"编辑人员：{person.name}", back=(person.name, url),
    )


def _month_page(request, person: RegistryPerson, record: MonthRecord | None):
    initial = {}
    if record is None and request.GET.get("month", "").isdigit():
        initial["month"] = int(request.GET["month"])
    form = MonthForm(request.POST or None, record=record, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        saved = _saved(form, lambda: services.month_record_save(actor=request.user, person=person, record=record,
                                                                **changes))
        if saved:
            messages.success(request, f"已保存 {saved.month} 的记录，下一次数据源查询即返回新的信息。")
            return redirect(f"{reverse('feeds:person', args=[person.pk])}?year={saved.month // 100}")
    which = f"年月 {record.month}，缴费单位 {record.unit.name}（{record.unit.credit_code}）。" if record else ""
    return _form_page(
        request, form, title=f"{'编辑' if record else '新增'}月度记录：{person.name}" + (f" {record.month}" if record else ""),
        back=(person.name, reverse("feeds:person", args=[person.pk])),
        lead=which + "社保、医保、工资分别来自三个系统：“无记录”表示该系统查不到这个月由该单位缴纳（发放）的记录。",
    )


@roles_required(ADMIN)
def month_edit(request, pk: int):
    record = get_object_or_404(MonthRecord.objects.select_related("person", "unit"), pk=pk)
    return _month_page(request, record.person, record)


@roles_required(ADMIN)
def month_new(request, pk: int):
    return _month_page(request, get_object_or_404(RegistryPerson, pk=pk), None)


def _certificate_page(request, person: RegistryPerson, certificate: Certificate | None):
    url = reverse("feeds:person", args=[person.pk])
    if request.method == "GET" and certificate is not None:  # the form shows the full number: audited
        pii_reveal(actor=request.user, obj=certificate, field="number", label="残疾证号")
    return _edit(
        request, CertificateForm(request.POST or None, instance=certificate, person=person),
        lambda fields: services.certificate_save(
            actor=request.user, person=person,
            certificate=Certificate.objects.get(pk=certificate.pk) if certificate else None, **fields),
        success="已保存残疾证信息。", next_url=url,
        title=f"{'编辑' if certificate else '新增'}残疾证：{person.name}", back=(person.name, url),
    )


@roles_required(ADMIN)
def certificate_edit(request, pk: int):
    certificate = get_object_or_404(Certificate.objects.select_related("person"), pk=pk)
    return _certificate_page(request, certificate.person, certificate)


@roles_required(ADMIN)
def certificate_new(request, pk: int):
    return _certificate_page(request, get_object_or_404(RegistryPerson, pk=pk), None)


@roles_required(ADMIN)
def units(request):
    q = request.GET.get("q", "")
    page, query = paginate(request, selectors.unit_search(q=q))
    return render(request, "feeds/units.html", {"page": page, "query": query, "q": q, "tab": "units"})


@roles_required(ADMIN)
def unit_edit(request, pk: int):
    unit = get_object_or_404(RegistryUnit, pk=pk)
    return _edit(
        request, UnitForm(request.POST or None, instance=unit),
        lambda fields: services.registry_unit_update(actor=request.user, unit=RegistryUnit.objects.get(pk=pk),
                                                     **fields),
        success="已保存单位登记信息。", next_url=reverse("feeds:units"),
        title=f"编辑单位：{unit.name}", back=("单位", reverse("feeds:units")), lead=f"统一社会信用代码 {unit.credit_code}",
    )


@roles_required(ADMIN)
def unit_headcounts(request, pk: int):
    unit = get_object_or_404(RegistryUnit, pk=pk)
    year = _year(request)
    form = HeadcountForm(request.POST or None, year=year,
                         current=selectors.unit_year_headcounts(unit=unit, year=year))
    if request.method == "POST" and form.is_valid():
        services.unit_headcounts_set(actor=request.user, unit=unit, year=year, figures=form.figures())
        messages.success(request, f"已保存 {year} 年的月度参保人数。")
        return redirect(f"{reverse('feeds:unit_headcounts', args=[pk])}?year={year}")
    return render(request, "feeds/headcounts.html",
                  {"unit": unit, "form": form, "year": year, "years": YEARS, "months": months_of(year)})


@roles_required(ADMIN)
def intakes(request):
    q = request.GET.get("q", "")
    page, query = paginate(request, selectors.intake_search(q=q))
    return render(request, "feeds/intakes.html", {"page": page, "query": query, "q": q, "tab": "intakes"})


@roles_required(ADMIN)
def intake_edit(request, pk: int):
    submission = get_object_or_404(IntakeSubmission, pk=pk)
    return _edit(
        request, IntakeForm(request.POST or None, instance=submission),
        lambda fields: services.intake_submission_update(
            actor=request.user, submission=IntakeSubmission.objects.get(pk=pk), **fields),
        success="已保存，下一次状态查询即返回新的状态。", next_url=reverse("feeds:intakes"),
        title=f"税务接收：{submission.reference}", back=("税务接收", reverse("feeds:intakes")),
        lead=f"{submission.unit_name}，业务年度 {submission.business_year}",
    )
