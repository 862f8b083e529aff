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
from portal.uploads import KINDS, LEVY_IMAGE, PDF, RELATED_UNIT_PROOF, upload_accept
from tests import factories as f
from tests import pdf_samples
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


# Issue 14, point 12: each of these was accepted on every upload endpoint.
REFUSALS = {
    "corrupt_with_eof": "PDF文件不完整或已损坏",
    "opens_javascript": "含有脚本、自动执行的动作或嵌入的其他文件",
    "opens_javascript_escaped": "含有脚本、自动执行的动作或嵌入的其他文件",
    "page_action_javascript": "含有脚本、自动执行的动作或嵌入的其他文件",
    "launch_action": "含有脚本、自动执行的动作或嵌入的其他文件",
    "embedded_file": "含有脚本、自动执行的动作或嵌入的其他文件",
    "orphan_javascript": "含有脚本、自动执行的动作或嵌入的其他文件",
    "html_polyglot": "不是单纯的PDF",
    "appended_file": "不是单纯的PDF",
}


def pdf_kinds():
    """Every registered kind of upload that takes PDFs (the apps register theirs on import)."""
    import employers.services  # noqa: F401
    import placement.uploads  # noqa: F401

    return [kind for kind in KINDS.values() if PDF in kind.types]


def test_every_endpoint_that_takes_pdfs_uses_the_one_check():
    assert {k.code for k in pdf_kinds()} >= {
        "related_unit_proof", "placement_contract", "placement_certificate", "placement_evidence",
        "placement_degree", "placement_feedback", "placement_deregistration"}


@pytest.mark.parametrize("sample", sorted(REFUSALS))
def test_broken_active_and_polyglot_pdfs_are_refused_for_every_kind_and_nothing_is_stored(unit_a, owner, sample):
    assert set(REFUSALS) == set(pdf_samples.BAD)
    before = stored_files()
    for kind in pdf_kinds():
        with pytest.raises(ValidationFailed) as error:
            upload_accept(file=SimpleUploadedFile("材料.pdf", pdf_samples.BAD[sample]), kind=kind.code,
                          employer=unit_a, actor=owner, field="attachment")
        assert REFUSALS[sample] in error.value.message, kind.code
        assert error.value.field == "attachment"
    assert Upload.objects.count() == 0 and stored_files() == before


@pytest.mark.parametrize("data", [pdf_samples.PLAIN, pdf_samples.COMPRESSED_PAGE, pdf_samples.TEXT_PAGE],
                         ids=["plain", "compressed_page", "text_mentioning_names"])
def test_plain_pdfs_are_accepted(unit_a, owner, data):
    upload = upload_accept(file=SimpleUploadedFile("a.pdf", data), kind=RELATED_UNIT_PROOF.code, employer=unit_a,
                           actor=owner)
    assert upload.content_type == PDF


def test_a_real_pdf_with_fonts_links_and_metadata_is_accepted(unit_a, owner):
    from portal.pdf import render_pdf

    _html, data = render_pdf("pdf/demo_evidence.html", {"title": "缴费证明", "person": "张三", "month": "202503"})
    upload = upload_accept(file=SimpleUploadedFile("证明.pdf", data), kind=RELATED_UNIT_PROOF.code,
                           employer=unit_a, actor=owner)
    assert upload.size == len(data)


def test_the_page_and_the_api_say_why_at_the_field(unit_a, owner, client_for):
    from employers.models import RelatedUnit
    from tests.employers.test_unit_page import related_post

    client = client_for(owner)
    page = client.post(reverse("employers:related_new"), related_post(
        evidence=SimpleUploadedFile("协议.pdf", pdf_samples.BAD["opens_javascript"]))).content.decode()
    assert "含有脚本" in page and 'class="error-summary"' in page
    api = client.post("/api/v1/unit/related-units/", {
        "relation": "other", "region": "310104", "credit_code": f.credit_code(556), "name": "子公司",
        "evidence": SimpleUploadedFile("证明.pdf", pdf_samples.BAD["html_polyglot"])})
    assert api.status_code == 422 and "不是单纯的PDF" in api.json()["errors"]["evidence"][0]
    assert not RelatedUnit.objects.exists() and not Upload.objects.exists()


@pytest.mark.parametrize("name,data,saved_as", [
    ("合同.html", pdf_samples.PLAIN, "合同.pdf"),
    ("合同.pdf", pdf_samples.PLAIN, "合同.pdf"),
    ("扫描件", pdf_samples.PLAIN, "扫描件.pdf"),
    (".html", pdf_samples.PLAIN, "附件.pdf"),
    ("证件.pdf", f.png_bytes(), "证件.png"),
])
def test_a_download_is_named_by_the_type_found_not_the_uploaders_extension(unit_a, owner, client_for, name, data,
                                                                         saved_as):
    from urllib.parse import quote

    upload = upload_accept(file=SimpleUploadedFile(name, data), kind=RELATED_UNIT_PROOF.code, employer=unit_a,
                           actor=owner)
    for params in ({}, {"inline": "1"}):
        disposition = client_for(owner).get(reverse("file_download", args=[upload.pk]), params)["Content-Disposition"]
        assert f"filename*=utf-8''{quote(saved_as)}" in disposition and ".html" not in disposition


def test_a_stored_pdf_the_check_now_refuses_is_never_rendered(unit_a, owner, client_for, reviewer_sh):
    """A file stored before uploads were parsed: the preview does not hand it to poppler."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    data = pdf_samples.BAD["opens_javascript"]
    upload = Upload.objects.create(kind=RELATED_UNIT_PROOF.code, employer=unit_a, original_name="旧.pdf",
                                   content_type=PDF, size=len(data), sha256="0" * 64,
                                   storage_name=default_storage.save("uploads/legacy-js", ContentFile(data)))
    client = client_for(reviewer_sh)
    assert "第 1 页" not in client.get(reverse("file_view", args=[upload.pk])).content.decode()
    assert client.get(reverse("file_preview", args=[upload.pk, 1])).status_code == 404
