"""Serving uploads and issued documents (only after checking the viewer's right to the unit
that owns them), and the public receipt verification page."""

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render

from portal.access import public, roles_required
from portal.audit import audit_record
from portal.documents import documents_visible
from portal.exceptions import DomainError
from portal.models import IssuedDocument
from portal.previews import preview_page, preview_page_count
from portal.receipts import receipt_verify
from portal.roles import ADMIN, EMPLOYER, FEDERATION, TAX, UNION
from portal.throttling import throttle
from portal.uploads import IMAGES, PDF, download_name, upload_open, upload_read_record, uploads_visible


def harden(response, *, inline: bool):
    # A downloaded file must never run as a page of ours (checklist H2).
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    if not inline:
        response["Content-Disposition"] = response["Content-Disposition"].replace("inline", "attachment")
    return response


def upload_response(upload, actor, *, inline: bool = False) -> FileResponse:
    """A stored upload the actor may read, served hardened (its read audited by upload_open)."""
    response = FileResponse(upload_open(upload=upload, actor=actor), as_attachment=not inline,
                            filename=download_name(upload), content_type=upload.content_type)
    return harden(response, inline=inline)


@roles_required(EMPLOYER | FEDERATION | UNION | ADMIN)
def file_download(request, pk):
    """A stored upload: as an attachment, or inline (?inline=1) for images and PDFs."""
    upload = get_object_or_404(uploads_visible(request.user), pk=pk)
    return upload_response(upload, request.user,
                           inline=request.GET.get("inline") == "1" and upload.content_type in (*IMAGES, PDF))


@roles_required(EMPLOYER | FEDERATION | UNION | ADMIN)
def file_view(request, pk):
    """在线查看: an image as is, a PDF as its pages rendered to images, with the download beside it.
    Reading a file is audited for staff (it reveals personal evidence)."""
    upload = get_object_or_404(uploads_visible(request.user), pk=pk)
    upload_read_record(upload=upload, actor=request.user)
    pages = range(1, preview_page_count(upload) + 1)
    return render(request, "portal/file_view.html", {"upload": upload, "pages": pages,
                                                     "is_image": upload.content_type in IMAGES})


@roles_required(EMPLOYER | FEDERATION | UNION | ADMIN)
def file_preview(request, pk, page):
    """One page of a PDF as PNG (for the 在线查看 page)."""
    upload = get_object_or_404(uploads_visible(request.user), pk=pk)
    try:
        png = preview_page(upload, page)
    except DomainError as error:
        return HttpResponse(error.message, status=404, content_type="text/plain; charset=utf-8")
    return harden(HttpResponse(png, content_type="image/png"), inline=True)


@roles_required(EMPLOYER | FEDERATION | TAX | UNION | ADMIN)  # union staff: the retiree plan's documents only
def document_download(request, pk):
    """An issued PDF: the stored file once rendered, otherwise a page that waits for it."""
    document = get_object_or_404(documents_visible(request.user), pk=pk)
    if document.status != IssuedDocument.Status.READY:
        template = "portal/document_status_fragment.html" if request.headers.get("X-Requested-With") else \
            "portal/document_status.html"
        return render(request, template, {"document": document})
    if request.user.is_staff_member:
        audit_record(action="document.download", actor=request.user, obj=document)
    response = FileResponse(default_storage.open(document.storage_name, "rb"), as_attachment=True,
                            filename=f"{document.title}.pdf", content_type="application/pdf")
    return harden(response, inline=False)


@public
@throttle(key="verify", limit=30, seconds=60)
def receipt_verify_view(request):
    """回执查验 (no login): what a receipt attests, or that the code is unknown. No personal data."""
    code = request.GET.get("code", "").strip()
    receipt = receipt_verify(code) if code else None
    return render(request, "portal/verify.html", {"code": code, "receipt": receipt, "searched": bool(code)})
