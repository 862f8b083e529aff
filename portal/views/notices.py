"""通知公告: list with search and pagination, detail (marks read), and publishing for reviewers."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from portal.access import roles_required
from portal.forms import NoticeForm
from portal.notices import notice_mark_read, notice_publish, notices_visible, notices_with_read_flag
from portal.roles import ADMIN, EVERYONE, FEDERATION
from portal.views.base import call_service, paginate


@roles_required(EVERYONE)
def notice_list(request):
    q = request.GET.get("q", "").strip()
    qs = notices_with_read_flag(request.user)
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
    return render(request, "portal/notice_detail.html", {"notice": notice})


@roles_required(FEDERATION | ADMIN)
def notice_create(request):
    """发布通知公告 to the reviewer's region or a region below it."""
    initial = {"region": request.user.region_id}
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notice = call_service(
            form, notice_publish, actor=request.user, region=form.cleaned_data["region"],
            title=form.cleaned_data["title"], body=form.cleaned_data["body"],
        )
        if notice:
            messages.success(request, "通知已发布。")
            return redirect("notice_detail", pk=notice.pk)
    return render(request, "portal/notice_form.html", {"form": form})
