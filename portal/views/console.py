"""系统管理: staff accounts, the audit log (read only), and the health of the worker."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.access import public, roles_required
from portal.forms import StaffCreateForm, StaffPasswordForm
from portal.models import AuditEntry, Region, WorkerHeartbeat, WorkerOutage
from portal.roles import ADMIN, STAFF, TAX, Role
from portal.services import staff_create, staff_reset_password, staff_reset_totp, staff_set_active
from portal.views.base import call_service, paginate
from portal.worker import worker_outage_notice, worker_silent

User = get_user_model()


@roles_required(ADMIN)
def staff_list(request):
    q = request.GET.get("q", "").strip()
    qs = User.objects.filter(role__in=STAFF).select_related("region").order_by("role", "username")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    if request.GET.get("role"):
        qs = qs.filter(role=request.GET["role"])
    page, query = paginate(request, qs)
    return render(
        request, "portal/console/staff_list.html",
        {"page": page, "query": query, "q": q, "roles": [r for r in Role if r in STAFF],
         "role": request.GET.get("role", "")},
    )


@roles_required(ADMIN)
def staff_new(request):
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = call_service(form, staff_create, actor=request.user, **form.cleaned_data)
        if user:
            messages.success(request, f"已创建工作人员账号 {user.username}。首次登录时须绑定身份验证器。")
            return redirect("console_staff")
    return render(request, "portal/console/staff_form.html", {"form": form})


@roles_required(ADMIN)
def staff_reset_password_view(request, pk: int):
    """重置密码: a new initial password the staff member must change after their next login."""
    user = get_object_or_404(User.objects.filter(role__in=STAFF), pk=pk)
    form = StaffPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, staff_reset_password, actor=request.user, user=user,
                        password=form.cleaned_data["password"]):
            messages.success(request, f"已重置 {user.username} 的密码。该用户下次登录并完成两步验证后须先修改密码。")
            return redirect("console_staff")
    return render(request, "portal/console/staff_password.html", {"form": form, "staff": user})


@require_POST
@roles_required(ADMIN)
def staff_reset_totp_view(request, pk: int):
    user = get_object_or_404(User.objects.filter(role__in=STAFF), pk=pk)
    staff_reset_totp(actor=request.user, user=user)
    messages.success(request, f"已重置 {user.username} 的身份验证器，该用户下次登录时重新绑定。")
    return redirect("console_staff")


@require_POST
@roles_required(ADMIN)
def staff_toggle_active(request, pk: int):
    user = get_object_or_404(User.objects.filter(role__in=STAFF), pk=pk)
    from portal.exceptions import DomainError

    try:
        staff_set_active(actor=request.user, user=user, active=not user.is_active)
        messages.success(request, f"已{'启用' if user.is_active else '停用'} {user.username}。")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("console_staff")


@roles_required(ADMIN)
def audit_list(request):
    """审计日志: read only; nothing in the UI edits or deletes an entry."""
    qs = AuditEntry.objects.select_related("actor")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(action__icontains=q) | Q(object_repr__icontains=q) | Q(actor_repr__icontains=q))
    page, query = paginate(request, qs, per_page=50)
    return render(request, "portal/console/audit_list.html", {"page": page, "query": query, "q": q})


@roles_required(ADMIN)
def health_view(request):
    """运行状态: the worker's last heartbeat (and, with the feeds, each registry's health)."""
    from portal.health import health_sections

    now = timezone.now()
    beat = WorkerHeartbeat.objects.first()
    worker_outage_notice(now)  # an administrator looking is one more place the silence is noticed
    return render(
        request, "portal/console/health.html",
        {"beat": beat, "worker_ok": not worker_silent(now), "silent_after": settings.WORKER_SILENT_AFTER_S // 60,
         "outages": WorkerOutage.objects.all()[:10], "sections": health_sections()},
    )


@public
def health_live(request):
    """For the load balancer: the web process answers and reaches its database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@public
def region_children(request):
    """Options for the region picker (public: the registration form uses it)."""
    parent = request.GET.get("parent", "")
    if not (parent.isdigit() and len(parent) == 6):
        return JsonResponse({"children": []})
    children = Region.objects.filter(parent_id=parent).values_list("code", "name")
    return JsonResponse({"children": [{"code": c, "name": n} for c, n in children]})


@roles_required(ADMIN | TAX)
def token_list(request):
    """接口令牌: keys for tax systems, one region each; a new key is shown once. Tax officers see
    and issue those of their region."""
    from portal.forms import TokenForm
    from portal.tokens import token_issue, tokens_visible

    form = TokenForm(request.POST or None, initial={"region": request.user.region_id})
    key = None
    if request.method == "POST" and form.is_valid():
        result = call_service(form, token_issue, actor=request.user, name=form.cleaned_data["name"],
                              region=form.cleaned_data["region"])
        if result:
            _token, key = result
            form = TokenForm(initial={"region": request.user.region_id})
    page, query = paginate(request, tokens_visible(request.user))
    return render(request, "portal/console/tokens.html", {"form": form, "page": page, "query": query, "key": key})


@require_POST
@roles_required(ADMIN | TAX)
def token_revoke_view(request, pk: int):
    from portal.tokens import token_revoke, tokens_visible

    token = get_object_or_404(tokens_visible(request.user), pk=pk)
    token_revoke(actor=request.user, token=token)
    messages.success(request, f"已吊销接口令牌“{token.name}”。")
    return redirect("console_tokens")
