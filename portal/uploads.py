"""The one upload service: type from content (never the name), a size limit per use, images
re-encoded, PDFs parsed and refused when they are broken, active or more than a PDF
(portal.pdfcheck), random storage names outside the web root, nothing stored when a file is
refused. A download is named by the type found, never the uploader's extension.

Apps register their kinds of upload (what it is for, which types, how large) with `upload_kind`
and call `upload_accept`. Files are served by portal.views.files.file_download, which asks
`uploads_visible(user)` first.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.utils.module_loading import import_string
from PIL import Image, UnidentifiedImageError

from portal.audit import audit_record
from portal.exceptions import ValidationFailed
from portal.models import Upload
from portal.pdfcheck import PdfRefused, pdf_inspect
from portal.roles import ADMIN, FEDERATION, UNION
from portal.scoping import employer_scope_q
from portal.units import unit_of

MB = 1024 * 1024
JPEG, PNG, PDF, XLSX = "image/jpeg", "image/png", "application/pdf", (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
TYPE_LABELS = {JPEG: "jpg/jpeg", PNG: "png", PDF: "pdf", XLSX: "xlsx"}
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf", XLSX: ".xlsx"}
IMAGES = (JPEG, PNG)
DOCUMENTS = (JPEG, PNG, PDF)
# Decompression bombs: refuse images above this many pixels before decoding them.
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class UploadKind:
    code: str
    label: str
    types: tuple[str, ...]
    max_bytes: int
    staff_roles: frozenset = FEDERATION | ADMIN  # which staff may open files of this kind

    @property
    def hint(self) -> str:
        types = "、".join(f"“{TYPE_LABELS[t]}”" for t in self.types)
        return f"文件大小不能超过{self.max_bytes // MB}MB，格式仅限{types}。"


KINDS: dict[str, UploadKind] = {}
EMPTY_FILE = "文件是空的（0字节），请重新选择要上传的文件"


def upload_kind(code: str, label: str, types=DOCUMENTS, max_bytes: int | None = None, staff_roles=None) -> UploadKind:
    """Register a kind of upload (idempotent). The default limit is UPLOAD_MAX_BYTES (10 MB)."""
    kind = UploadKind(code, label, tuple(types), max_bytes or settings.UPLOAD_MAX_BYTES,
                      staff_roles if staff_roles is not None else FEDERATION | ADMIN)
    KINDS[code] = kind
    return kind


# Kinds the foundation itself uses; apps register theirs in their own modules.
RELATED_UNIT_PROOF = upload_kind("related_unit_proof", "劳务派遣协议或关联关系证明材料")
LEVY_IMAGE = upload_kind("levy_image", "征缴业务图片材料", types=IMAGES, max_bytes=5 * MB)
ROSTER = upload_kind("roster", "参保名单", types=(XLSX,), max_bytes=20 * MB, staff_roles=UNION | ADMIN)


def sniff(head: bytes, whole: bytes) -> str | None:
    """The file's real type from its first bytes (and, for xlsx, its zip directory)."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(whole)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
    return None


def _reencode(data: bytes, content_type: str) -> bytes:
    """Decode and re-encode an image: drops metadata and anything hidden after the pixels."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationFailed("图片尺寸过大，请压缩后再上传", field="file")
            image.load()
            out = io.BytesIO()
            if content_type == JPEG:
                image.convert("RGB").save(out, format="JPEG", quality=90)
            else:
                image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationFailed("图片文件已损坏，无法打开，请重新上传", field="file") from None


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return b"\x00" not in sample
    return False


def wrong_type_message(name: str, data: bytes, content_type: str | None, kind: UploadKind) -> str:
    """What the file really is and what is allowed — never the size rule when the size is fine
    (issue 15: a renamed text file was told about the 10MB limit)."""
    if content_type:
        found = f"{TYPE_LABELS[content_type]}文件"
    elif _looks_like_text(data):
        found = "文本文件"
    else:
        found = "无法识别的格式"
    allowed = "、".join(TYPE_LABELS[t] for t in kind.types)
    named = f"“{name}”" if name else "所选文件"
    return (f"文件类型不符合要求：{named}的内容是{found}，只能上传{allowed}格式"
            f"（系统按文件内容识别，修改文件扩展名无效）")


def validate_file(file, kind: UploadKind, *, field: str = "file") -> tuple[bytes, str]:
    """Read and check an uploaded file; returns (bytes to store, content type). Raises
    ValidationFailed with a Chinese message naming the rule that failed."""
    if file is None:
        raise ValidationFailed(f"请上传{kind.label}", field=field)
    size = getattr(file, "size", None)
    if size is not None and size > kind.max_bytes:
        raise ValidationFailed(f"文件过大：{kind.hint}", field=field)
    data = file.read(kind.max_bytes + 1)
    if not data:
        raise ValidationFailed(EMPTY_FILE, field=field)
    if len(data) > kind.max_bytes:
        raise ValidationFailed(f"文件过大：{kind.hint}", field=field)
    content_type = sniff(data[:16], data)
    if content_type not in kind.types:
        raise ValidationFailed(wrong_type_message(getattr(file, "name", ""), data, content_type, kind), field=field)
    if content_type in IMAGES:
        try:
            data = _reencode(data, content_type)
        except ValidationFailed as error:
            error.field = field
            raise
    elif content_type == PDF:
        try:
            pdf_inspect(data)
        except PdfRefused as refused:
            raise ValidationFailed(refused.message, field=field, code="unsafe_pdf") from None
    return data, content_type


def _scan(data: bytes) -> None:
    """The malware-scanner hook (UPLOAD_SCANNER, a dotted path; off by default: signature
    downloads are not possible on these machines)."""
    scanner = getattr(settings, "UPLOAD_SCANNER", "")
    if scanner and not import_string(scanner)(data):
        raise ValidationFailed("文件未通过安全检查，请联系管理员", field="file")


def upload_accept(*, file, kind: str, employer=None, actor=None, field: str = "file") -> Upload:
    """Check a file and store it. On any refusal nothing is stored."""
    rule = KINDS[kind]
    data, content_type = validate_file(file, rule, field=field)
    _scan(data)
    name = f"uploads/{datetime.now():%Y/%m}/{hashlib.sha256(data).hexdigest()[:8]}{_random()}"
    original = (getattr(file, "name", "") or "upload").rsplit("/", 1)[-1][:200]
    stored = default_storage.save(name, ContentFile(data))
    try:
        return Upload.objects.create(
            kind=kind, employer=employer, original_name=original, content_type=content_type, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), storage_name=stored,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
    except Exception:
        default_storage.delete(stored)  # no file without its row
        raise


def _random() -> str:
    import secrets

    return secrets.token_hex(16)


def uploads_visible(user) -> QuerySet[Upload]:
    """An agent sees their unit's files; staff the files of units in their scope, for the kinds
    their role works with; administrators all."""
    qs = Upload.objects.select_related("employer")
    if not user.is_authenticated:
        return qs.none()
    if user.is_employer_agent:
        employer = unit_of(user)
        return qs.filter(employer=employer) if employer else qs.none()
    kinds = [code for code, rule in KINDS.items() if user.role in rule.staff_roles]
    return qs.filter(kind__in=kinds).filter(employer_scope_q(user, prefix="employer__"))


def download_name(upload: Upload) -> str:
    """The file name a download is saved under: the uploader's name with the extension of the type
    the content was found to be (issue 14, point 12: 合同.html stored as a PDF was served as
    合同.html)."""
    stem, dot, suffix = upload.original_name.rpartition(".")
    if not dot or len(suffix) > 5:  # no extension, or a dot inside the name
        stem = upload.original_name
    return (stem.strip(" .") or "附件") + EXTENSIONS[upload.content_type]


def upload_open(*, upload: Upload, actor):
    """Open a stored file for reading; staff reads are audited (they reveal personal evidence)."""
    upload_read_record(upload=upload, actor=actor, action="file.download")
    return default_storage.open(upload.storage_name, "rb")


def upload_read_record(*, upload: Upload, actor, action: str = "file.view") -> None:
    """A staff member saw a file's content (在线查看 or a download): audited."""
    if actor.is_staff_member:
        audit_record(action=action, actor=actor, obj=upload, data={"kind": upload.kind})
