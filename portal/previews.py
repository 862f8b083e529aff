"""在线查看 of an uploaded PDF: its pages rendered to PNG on the server (poppler's pdftoppm), so a
reviewer reads the evidence beside the month it supports without a PDF plugin, and the file itself
still never runs as a page of ours (it is served sandboxed, checklist H2). Pages are rendered once
and kept in storage."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from portal.exceptions import NotAllowed
from portal.models import Upload
from portal.pdfcheck import PdfRefused, pdf_inspect
from portal.uploads import PDF

MAX_PAGES = 20  # a longer file is downloaded, not previewed
RENDER_TIMEOUT_S = 30


def previews_available() -> bool:
    return bool(shutil.which("pdftoppm"))


def _read(upload: Upload) -> bytes:
    with default_storage.open(upload.storage_name, "rb") as fh:
        return fh.read()


def preview_page_count(upload: Upload) -> int:
    """How many pages the preview shows (0: not a PDF, poppler is missing, or a file stored before
    uploads were parsed that the upload check would refuse today: it is not rendered)."""
    if upload.content_type != PDF or not previews_available():
        return 0
    try:
        return min(pdf_inspect(_read(upload)), MAX_PAGES)
    except PdfRefused:
        return 0


def preview_page(upload: Upload, page: int) -> bytes:
    """PNG of one page (1-based), rendered on first request and stored."""
    if upload.content_type != PDF or not previews_available():
        raise NotAllowed("该文件不支持在线查看，请下载后查看")
    if not 1 <= page <= MAX_PAGES:
        raise NotAllowed("页码不正确")
    name = f"previews/{upload.pk.hex}-{page}.png"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as fh:
            return fh.read()
    if page > preview_page_count(upload):  # parsed by the upload check's rules before poppler sees it
        raise NotAllowed("页码不正确")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "file.pdf"
        source.write_bytes(_read(upload))
        try:
            subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", str(page), "-l", str(page), "-singlefile",
                            str(source), str(Path(tmp) / "page")], capture_output=True, check=True,
                           timeout=RENDER_TIMEOUT_S)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            raise NotAllowed("该文件无法在线查看，请下载后查看") from None
        png = (Path(tmp) / "page.png").read_bytes()
    default_storage.save(name, ContentFile(png))
    return png
