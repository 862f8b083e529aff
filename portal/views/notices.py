"""通知公告: list with search and pagination, detail (marks read), and publishing for reviewers."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal.access import roles_required
from portal.forms import NoticeForm
from portal.notices import (
    notice_mark_read,
    notice_publish,
    notice_rows,
    notice_update,
    notice_withdraw,
    notices_managed,
    notices_visible,
)
from portal.roles import ADMIN, EVERYONE, FEDERATION
from portal.views.base import call_service, paginate
from portal.views.files import upload_response


@roles_required(EVERYONE)
def notice_list(request):
    q = request.GET.get("q", "").strip()
    qs = notice_rows(request.user)
    if q:
        qs = qs.filter(title__icontains=q) | qs.filter(body__icontains=q)
    page, query = paginate(request, qs)
    return render(
        request,
        "portal/notice_list.html",
        {"page": page, "query": query, "q": q, "can_publish": request.user.role in FEDERATION | ADMIN},
    )


@roles_required(EVERYONE)
def notice_detail(request, pk: int):
    notice = get_object_or_404(notices_visible(request.user), pk=pk)
    notice_mark_read(user=request.user, notice=notice)
    return render(request, "portal/notice_detail.html", {
        "notice": notice, "attachments": notice.attachments.all(),
        "can_manage": notices_managed(request.user).filter(pk=notice.pk).exists(),
    })


@roles_required(FEDERATION | ADMIN)
def notice_create(request):
    """发布通知公告 to the reviewer's region or a region below it, with attachments."""
    initial = {"region": request.user.region_id}
    form = NoticeForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notice = call_service(
            form, notice_publish, actor=request.user, region=form.cleaned_data["region"],
            title=form.cleaned_data["title"], body=form.cleaned_data["body"], files=form.cleaned_data["files"],
        )
        if notice:
            messages.success(request, "通知已发布。")
            return redirect("notice_detail", pk=notice.pk)
    return render(request, "portal/notice_form.html", {"form": form, "heading": "发布通知", "submit": "发布"})


@roles_required(FEDERATION | ADMIN)
def notice_edit(request, pk: int):
    """修改 an announcement of the reviewer's region (通知公告管理)."""
    notice = get_object_or_404(notices_managed(request.user).filter(withdrawn_at__isnull=True), pk=pk)
    attachments = list(notice.attachments.all())
    form = NoticeForm(request.POST or None, request.FILES or None, attachments=attachments,
                      initial={"title": notice.title, "body": notice.body, "region": notice.region_id})
    if request.method == "POST" and form.is_valid():
        if call_service(form, notice_update, actor=request.user, notice=notice, region=form.cleaned_data["region"],
                        title=form.cleaned_data["title"], body=form.cleaned_data["body"],
                        files=form.cleaned_data["files"], remove=form.cleaned_data.get("remove", [])):
            messages.success(request, "通知已修改。")
            return redirect("notice_detail", pk=notice.pk)
    return render(request, "portal/notice_form.html", {"form": form, "notice": notice, "heading": "修改通知",
                                                       "submit": "保存修改"})


@require_POST
@roles_required(FEDERATION | ADMIN)
def notice_withdraw_view(request, pk: int):
    """撤回 an announcement: units no longer see it."""
    notice = get_object_or_404(notices_managed(request.user), pk=pk)
    notice_withdraw(actor=request.user, notice=notice)
    messages.success(request, f"已撤回通知“{notice.title}”，用人单位不再看到该通知。")
    return redirect("backoffice:announcements")


@roles_required(EVERYONE)
def notice_attachment(request, pk: int, upload_pk):
    """An attachment of a notice the user may read (its units read it without owning the file)."""
    notice = get_object_or_404(notices_visible(request.user), pk=pk)
    return upload_response(get_object_or_404(notice.attachments.all(), pk=upload_pk), request.user)
