"""Is an uploaded PDF a plain document? Parsed with pypdf, not guessed from its first and last
bytes (issue 14, point 12: a corrupt file ending in %%EOF, a PDF whose /OpenAction runs JavaScript
and a PDF/HTML polyglot were all accepted).

A plain document here: it parses, it has pages, nothing in it runs (JavaScript, launch or import
actions, XFA forms, rich media), it carries no other files (embedded files, attachments), and it is
nothing but a PDF (no HTML anywhere, nothing after its last %%EOF). Each refusal says why in
Chinese; portal.uploads turns it into the field's error.
"""

import io
import re

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

CORRUPT = "PDF文件不完整或已损坏，无法打开，请重新导出后上传"
ACTIVE = ("PDF文件含有脚本、自动执行的动作或嵌入的其他文件，出于安全原因不能上传。"
          "请用“打印为PDF”重新生成，或上传扫描件")
POLYGLOT = "文件内容不是单纯的PDF（夹带了网页代码或其他文件），出于安全原因不能上传，请重新导出后上传"
ENCRYPTED = "PDF文件设置了打开密码，无法检查其内容，请去除密码后上传"

# Names that make a PDF do something or carry something: actions by their /S type, and keys.
_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"}
_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/EF", "/RichMedia", "/XFA"}
_TYPES = {"/EmbeddedFile", "/FileAttachment", "/RichMedia"}
# The same names in the file's bytes, for objects no table points at (a lenient reader that
# rebuilds a broken table would still find them). Stream data is left out: compressed bytes could
# spell a short name by chance.
_RAW_NAMES = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?=[\s/<>\[\]()%]|$)")
_STREAMS = re.compile(rb"stream\r?\n.*?endstream", re.S)
# HTML a browser would act on, wherever it hides (a comment, a string, an uncompressed stream).
# Each marker ends in a delimiter, so that compressed bytes do not match by chance.
_HTML = re.compile(rb"<(?:html|script|body|iframe|svg|object|embed|img|meta|form)[\s/>]|<!doctype\s+html|javascript:",
                   re.I)
_TRAILING_OK = re.compile(rb"[\s\x00]*\Z")
MAX_OBJECTS = 200_000  # a 10 MB file has far fewer; more is a file built to make us work


class PdfRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def pdf_inspect(data: bytes) -> int:
    """The number of pages of a plain PDF; raises PdfRefused saying why the file is not one."""
    _envelope(data)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfRefused(ENCRYPTED)
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018 — resolves each page's tree: a broken one raises here
        _walk(reader)
    except PdfRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, NotImplementedError):
        raise PdfRefused(CORRUPT) from None
    if pages < 1:
        raise PdfRefused(CORRUPT)
    return pages


def _envelope(data: bytes) -> None:
    """The bytes around the document: nothing after the last %%EOF, no HTML anywhere, no active
    names outside stream data."""
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise PdfRefused(CORRUPT)
    if not _TRAILING_OK.match(data, end + 5):
        raise PdfRefused(POLYGLOT)
    if _HTML.search(data):
        raise PdfRefused(POLYGLOT)
    if _RAW_NAMES.search(_STREAMS.sub(b"stream endstream", data)):
        raise PdfRefused(ACTIVE)


def _walk(reader: PdfReader) -> None:
    """Every object the file declares (reachable from its catalogue or not), and everything they
    contain, checked for active content."""
    roots = [reader.trailer]
    for generation, numbers in reader.xref.items():
        roots += [IndirectObject(number, generation, reader) for number in numbers]
    roots += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    seen: set[tuple[int, int]] = set()
    stack = list(roots)
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise PdfRefused(CORRUPT)
        if isinstance(obj, DictionaryObject):  # a stream's dictionary too; its data is not read
            _check(obj)
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def _check(obj: DictionaryObject) -> None:
    if _KEYS.intersection(obj.keys()):
        raise PdfRefused(ACTIVE)
    if _name(obj, "/S") in _ACTIONS or _name(obj, "/Type") in _TYPES or _name(obj, "/Subtype") in _TYPES:
        raise PdfRefused(ACTIVE)


def _name(obj: DictionaryObject, key: str) -> str | None:
    value = obj.get(key)
    if isinstance(value, IndirectObject):
        value = value.get_object()
    return value if isinstance(value, str) else None
