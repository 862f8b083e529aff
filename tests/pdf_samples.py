"""PDFs for upload tests, built object by object with a correct cross-reference table: one plain
document and one file for each way an upload must be refused (issue 14, point 12)."""

import zlib

CATALOG = b"<</Type/Catalog/Pages 2 0 R>>"
PAGES = b"<</Type/Pages/Kids[3 0 R]/Count 1>>"
PAGE = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>"


def build(*objects: bytes, header: bytes = b"%PDF-1.4\n") -> bytes:
    """A PDF of these objects (numbered from 1; object 1 is the catalogue) with its xref table."""
    out = bytearray(header + b"%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        data, extra = zlib.compress(data), extra + b"/Filter/FlateDecode"
    return b"<<%s/Length %d>>\nstream\n%s\nendstream" % (extra, len(data), data)


PLAIN = build(CATALOG, PAGES, PAGE)
# Plain documents that only look suspicious to a byte search: a page whose compressed drawing
# happens to hold active names, and one whose text mentions them in an uncompressed stream.
COMPRESSED_PAGE = build(CATALOG, PAGES, b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]/Contents 4 0 R>>",
                        stream(b"0 0 m 10 10 l S /JS /Launch " * 50, compress=True))
TEXT_PAGE = build(CATALOG, PAGES, b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]/Contents 4 0 R>>",
                  stream(b"BT 1 1 Td (no /JS and no /Launch here) Tj ET"))

BAD = {
    # the header and %%EOF of a PDF around nothing a reader can open
    "corrupt_with_eof": b"%PDF-1.7\n" + b"\x00garbage that is no PDF at all\n" * 40 + b"%%EOF\n",
    "opens_javascript": build(b"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>", PAGES, PAGE,
                              b"<</Type/Action/S/JavaScript/JS(app.alert('x'))>>"),
    # the same with the action's type spelled with a #-escape (/J#61vaScript is /JavaScript)
    "opens_javascript_escaped": build(b"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>", PAGES, PAGE,
                                      b"<</S/J#61vaScript/J#53 5 0 R>>", stream(b"app.alert(1)", compress=True)),
    "page_action_javascript": build(CATALOG, PAGES, b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]/AA<</O 4 0 R>>>>",
                                    b"<</S/JavaScript/JS 5 0 R>>", stream(b"this.print()")),
    "launch_action": build(b"<</Type/Catalog/Pages 2 0 R/OpenAction<</S/Launch/F(cmd.exe)>>>>", PAGES, PAGE),
    "embedded_file": build(b"<</Type/Catalog/Pages 2 0 R/Names<</EmbeddedFiles<</Names[(a.exe)4 0 R]>>>>>>",
                           PAGES, PAGE, b"<</Type/Filespec/F(a.exe)/EF<</F 5 0 R>>>>",
                           stream(b"MZ\x90\x00", b"/Type/EmbeddedFile")),
    # JavaScript in an object nothing points at but the table
    "orphan_javascript": build(CATALOG, PAGES, PAGE, b"<</S/JavaScript/JS(app.alert(1))>>"),
    # a PDF a browser also reads as a page: the HTML sits in a comment after the header
    "html_polyglot": build(CATALOG, PAGES, PAGE,
                           header=b"%PDF-1.4\n%<html><body><script>alert(document.cookie)</script></body></html>\n"),
    # a PDF with another file (a zip) appended after its end
    "appended_file": build(CATALOG, PAGES, PAGE) + b"PK\x03\x04" + b"\x00" * 30 + b"evil.html",
}
