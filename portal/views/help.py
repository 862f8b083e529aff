"""帮助 pages and the 系统操作手册 PDF of the reader's role (portal.help)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.encoding import escape_uri_path

from portal.access import roles_required
from portal.help import MANUAL_TITLES, topic_for, topics_for
from portal.pdf import render_pdf
from portal.roles import EVERYONE


@roles_required(EVERYONE)
def help_index(request):
    """帮助: the reader's topics and the manual to download."""
    return render(request, "help/index.html", {"topics": topics_for(request.user.role),
                                               "manual_title": MANUAL_TITLES[request.user.role]})


@roles_required(EVERYONE)
def help_topic(request, slug):
    topic = topic_for(request.user.role, slug)
    if topic is None:
        raise Http404
    return render(request, "help/topic.html", {"topic": topic, "topics": topics_for(request.user.role)})


@roles_required(EVERYONE)
def help_manual(request):
    """系统操作手册 (PDF): every help page of the reader's role, in order, in one document. Rendered
    on request: the pages are the portal's own, a few seconds at most, and nothing personal is in them."""
    title = MANUAL_TITLES[request.user.role]
    _html, pdf = render_pdf("pdf/manual.html", {"title": title, "topics": topics_for(request.user.role)})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(title + '.pdf')}"
    return response
