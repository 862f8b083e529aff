"""参保编码申请 (list, 申请参保编码, 查看, 编辑 and resubmit), 修改单位名称, 经办人信息."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from employers.selectors import employer_for_agent
from insurance import choices as c
from insurance.forms import AgentContactForm, ApplicationForm, NameChangeForm
from insurance.models import AgentContact
from insurance.selectors.codes import applications_of, codes_of
from insurance.selectors.scope import application_for, codes_visible, name_changes_visible
from insurance.services import codes as services
from insurance.workdays import review_due
from portal.access import roles_required
from portal.roles import EMPLOYER
from portal.views.base import call_service, paginate

UNIT_FIELDS = ("unit_name", "credit_code", "economic_type", "address", "postal_code", "principal", "unit_phone")
CONTACT = ("agent_name", "agent_phone", "agent_email")


def _contact_initial(request, employer) -> dict:
    contact = AgentContact.objects.filter(employer=employer).first()
    if contact:
        return {f: getattr(contact, f) for f in CONTACT}
    user = request.user
    return {"agent_name": user.full_name, "agent_phone": user.phone, "agent_email": user.email}


@roles_required(EMPLOYER)
def code_list(request):
    """参保编码申请: the unit's applications (with their codes once approved) and codes."""
    employer = employer_for_agent(request.user)
    qs = applications_of(employer)
    term, state = request.GET.get("q", "").strip(), request.GET.get("state", "")
    if term:
        qs = qs.filter(Q(unit_name__icontains=term) | Q(code__code=term))
    if state in c.APPLICATION_STATES:
        qs = qs.filter(review_state=state)
    page, query = paginate(request, qs)
    for application in page.object_list:
        application.due = review_due(application.review_requested_at) if application.review_pending else None
    return render(request, "insurance/code_list.html", {
        "page": page, "query": query, "q": term, "state": state, "codes": codes_of(employer),
        "states": [(k, v) for k, v in c.APPLICATION_STATES.items() if k],
        "name_changes": name_changes_visible(request.user).order_by("-updated_at")[:20],
    })


def _application_form(request, employer, application=None):
    initial = {**_contact_initial(request, employer), "unit_name": employer.name, "credit_code": employer.credit_code,
               "union_district": employer.union_district}
    if application is not None:
        initial.update({f: getattr(application, f) for f in UNIT_FIELDS + CONTACT})
    return ApplicationForm(request.POST or None, request.FILES or None, initial=initial,
                           fixed_district=employer.union_district, editing=application is not None)


@roles_required(EMPLOYER)
def code_new(request, pk=None):
    """申请参保编码, or 编辑 a refused application and submit it again."""
    employer = employer_for_agent(request.user)
    application = application_for(request.user, pk) if pk else None
    if application is not None and application.review_state != c.ReviewState.REJECTED:
        messages.error(request, f"该申请当前为“{application.get_review_state_display()}”，不能修改")
        return redirect("insurance:code_detail", pk=application.pk)
    form = _application_form(request, employer, application)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "union_district": form.cleaned_data.get("union_district", "")}
        saved = call_service(form, services.code_application_submit, actor=request.user, employer=employer,
                             data=data, attachment=form.cleaned_data.get("attachment"), application=application)
        if saved:
            due = review_due(saved.review_requested_at)
            messages.success(request, f"参保编码申请已提交，职保会将在1个工作日内（{due:%Y-%m-%d}前）审核。回执编号："
                                      f"{saved.receipt.reference}")
            return redirect("insurance:code_detail", pk=saved.pk)
    return render(request, "insurance/code_form.html", {"form": form, "application": application,
                                                        "title": "编辑参保编码申请" if application else "申请参保编码"})


@roles_required(EMPLOYER)
def code_detail(request, pk):
    """查看: the application as submitted, its state, the reason of a refusal, the code once issued."""
    application = application_for(request.user, pk)
    due = review_due(application.review_requested_at) if application.review_pending else None
    return render(request, "insurance/code_detail.html", {
        "application": application, "due": due, "can_edit": application.review_state == c.ReviewState.REJECTED})


@roles_required(EMPLOYER)
def name_change_new(request, code_pk, pk=None):
    """修改单位名称 for one code (or 编辑 a refused request)."""
    code = get_object_or_404(codes_visible(request.user), pk=code_pk)
    employer = code.employer
    change = get_object_or_404(name_changes_visible(request.user), pk=pk, code=code) if pk else None
    if change is not None and change.review_state != c.ReviewState.REJECTED:
        raise Http404
    initial = {**_contact_initial(request, employer), **{f: getattr(code, f) for f in UNIT_FIELDS},
               "unit_name": "", "union_district": employer.union_district}
    if change is not None:
        initial.update({f: getattr(change, f) for f in UNIT_FIELDS + CONTACT})
    form = NameChangeForm(request.POST or None, request.FILES or None, initial=initial,
                          fixed_district=employer.union_district or "—", editing=change is not None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, services.name_change_submit, actor=request.user, code=code, data=form.cleaned_data,
                             attachment=form.cleaned_data.get("attachment"), change=change)
        if saved:
            messages.success(request, f"单位名称修改申请已提交，职保会将在1个工作日内（{review_due(saved.review_requested_at):%Y-%m-%d}"
                                      f"前）审核，审核通过后可继续办理参保。回执编号：{saved.receipt.reference}")
            back = request.GET.get("next", "")
            ours = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure())
            return redirect(back if back and ours else "insurance:codes")
    return render(request, "insurance/name_change_form.html", {"form": form, "code": code, "change": change})


@roles_required(EMPLOYER)
def agent_info(request):
    """经办人信息."""
    employer = employer_for_agent(request.user)
    form = AgentContactForm(request.POST or None, initial=_contact_initial(request, employer))
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.agent_contact_save, actor=request.user, employer=employer, data=form.cleaned_data):
            messages.success(request, "经办人信息已保存。")
            return redirect("insurance:agent")
    return render(request, "insurance/agent.html", {"form": form})
