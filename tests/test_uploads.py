"""The upload service: type from content, limits, re-encoding, nothing stored on refusal, served
only to those who may see the owning unit (checklist C7, C8, A6)."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from portal.exceptions import ValidationFailed
from portal.models import AuditEntry, Upload
from portal.uploads import LEVY_IMAGE, RELATED_UNIT_PROOF, upload_accept
from tests import factories as f
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()]


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (20, 20), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue() + b"<script>hidden after the image</script>"


@pytest.mark.parametrize(
    "name,data,kind,message",
    [
        ("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, RELATED_UNIT_PROOF, "文件类型不符合要求"),  # an exe
        ("scan.png", b"<html><script>alert(1)</script></html>", RELATED_UNIT_PROOF, "文件类型不符合要求"),
        ("empty.pdf", b"", RELATED_UNIT_PROOF, "文件是空的"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"%%EOF", RELATED_UNIT_PROOF, "文件过大"),
        ("big.png", f.png_bytes() + b"\x00" * (5 * 1024 * 1024), LEVY_IMAGE, "文件过大"),
        ("cut.pdf", f.PDF_BYTES[:60], RELATED_UNIT_PROOF, "PDF文件不完整"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, RELATED_UNIT_PROOF, "图片文件已损坏"),
        ("doc.pdf", f.PDF_BYTES, LEVY_IMAGE, "文件类型不符合要求"),  # the levy flow takes images only
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(unit_a, owner, name, data, kind, message):
    before = stored_files()
    with pytest.raises(ValidationFailed) as error:
        upload_accept(file=SimpleUploadedFile(name, data), kind=kind.code, employer=unit_a, actor=owner)
    assert message in error.value.message
    assert Upload.objects.count() == 0
    assert stored_files() == before


def test_images_are_reencoded_without_metadata_or_trailing_bytes(unit_a, owner):
    upload = upload_accept(file=SimpleUploadedFile("photo.jpg", jpeg_with_exif()), kind=RELATED_UNIT_PROOF.code,
                           employer=unit_a, actor=owner)
    data = (Path(settings.MEDIA_ROOT) / upload.storage_name).read_bytes()
    assert b"SecretCameraMaker" not in data and b"<script>" not in data
    assert upload.content_type == "image/jpeg" and upload.original_name == "photo.jpg"


def test_files_are_stored_under_random_names_outside_any_served_path(unit_a, owner):
    upload = upload_accept(file=SimpleUploadedFile("合同.pdf", f.PDF_BYTES), kind=RELATED_UNIT_PROOF.code,
                           employer=unit_a, actor=owner)
    assert "合同" not in upload.storage_name and not upload.storage_name.endswith(".pdf")
    assert not Path(upload.storage_name).is_absolute()


def test_the_owner_downloads_as_an_attachment_and_outsiders_get_404(unit_a, owner, colleague, outsider, client_for,
                                                                      reviewer_sh, reviewer_ln, tax_sh):
    upload = upload_accept(file=SimpleUploadedFile("合同.pdf", f.PDF_BYTES), kind=RELATED_UNIT_PROOF.code,
                           employer=unit_a, actor=owner)
    url = reverse("file_download", args=[upload.pk])
    for user in (owner, colleague, reviewer_sh):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("sandbox")
        assert b"".join(response.streaming_content) == f.PDF_BYTES
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(reviewer_ln).get(url).status_code == 404
    assert client_for(tax_sh).get(url).status_code == 403
    assert AuditEntry.objects.filter(action="file.download", actor=reviewer_sh).count() == 1


def test_images_and_pdfs_can_be_viewed_inline(unit_a, owner, client_for):
    upload = upload_accept(file=SimpleUploadedFile("a.png", f.png_bytes()), kind=RELATED_UNIT_PROOF.code,
                           employer=unit_a, actor=owner)
    response = client_for(owner).get(reverse("file_download", args=[upload.pk]), {"inline": "1"})
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]


def test_there_is_no_media_url():
    from django.test import Client

    assert Client().get("/media/anything").status_code == 404


def test_a_pdf_is_viewed_as_page_images_and_the_read_is_audited(unit_a, owner, client_for, reviewer_sh,
                                                                reviewer_ln):
    from portal.previews import previews_available

    if not previews_available():
        skip_or_fail("poppler-utils is not installed")
    upload = upload_accept(file=SimpleUploadedFile("缴费凭证.pdf", f.PDF_BYTES), kind=RELATED_UNIT_PROOF.code,
                           employer=unit_a, actor=owner)
    page = client_for(reviewer_sh).get(reverse("file_view", args=[upload.pk])).content.decode()
    image_url = reverse("file_preview", args=[upload.pk, 1])
    assert "在线查看：缴费凭证.pdf" in page and image_url in page and "第 1 页" in page
    assert f"上传时间 {timezone.localtime(upload.uploaded_at):%Y-%m-%d %H:%M}" in page
    assert AuditEntry.objects.filter(action="file.view", actor=reviewer_sh, object_id=str(upload.pk)).count() == 1
    response = client_for(reviewer_sh).get(image_url)
    assert response["Content-Type"] == "image/png" and response.content.startswith(b"\x89PNG")
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert Image.open(io.BytesIO(response.content)).width > 0
    assert client_for(reviewer_sh).get(reverse("file_preview", args=[upload.pk, 2])).status_code == 404  # one page
    assert client_for(reviewer_ln).get(image_url).status_code == 404
