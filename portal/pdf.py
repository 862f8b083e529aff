"""The one PDF helper: a template in, `(html, pdf_bytes)` out.

WeasyPrint's own URL fetcher follows `file://` and `http://` links (a `<link rel=attachment
href=file:///etc/passwd>` would be embedded in the PDF), so ours is deny-by-default: it serves the
project's static files and `data:` URIs, and nothing else. Fonts are the system's Noto CJK
(fonts-noto-cjk), so rare characters such as 堃 and 䶮 render; libharfbuzz-subset0 keeps subsetting
fast (without it a 50-person certificate takes ~40× longer).
"""

import base64
import logging
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

# Documents are rendered against this made-up origin, so a relative `/static/...` becomes
# `https://pdf.portal.invalid/static/...`, which the fetcher maps to a file of ours.
BASE_URL = "https://pdf.portal.invalid/"
_STATIC_PREFIX = BASE_URL.rstrip("/") + settings.STATIC_URL


class RefusedFetch(ValueError):
    """WeasyPrint logs a non-fatal fetch error and renders without the resource."""


class StaticOnlyFetcher(URLFetcher):
    """Serves the project's static files and data: URIs; refuses every other URL."""

    def __init__(self):
        super().__init__(allowed_protocols=set(), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return self._data(url)
        if url.startswith(_STATIC_PREFIX):
            relative = unquote(urlsplit(url).path[len(settings.STATIC_URL) :])
            path = finders.find(relative) if ".." not in relative.split("/") else None
            if path:
                with open(path, "rb") as handle:
                    return URLFetcherResponse(url, handle.read(), {"Content-Type": _guess(path)})
        self.refused.append(url)
        raise RefusedFetch(f"refused to fetch {url}")

    @staticmethod
    def _data(url: str) -> URLFetcherResponse:
        header, _, payload = url[5:].partition(",")
        media = header.split(";")[0] or "text/plain"
        body = base64.b64decode(payload) if header.endswith(";base64") else unquote(payload).encode()
        return URLFetcherResponse(url, body, {"Content-Type": media})

    def __call__(self, url):
        return self.fetch(url)


def _guess(path: str) -> str:
    import mimetypes

    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def render_pdf(template_name: str, context: dict) -> tuple[str, bytes]:
    """Render a template (normally under templates/pdf/) to HTML and to PDF bytes."""
    html = render_to_string(template_name, context)
    fetcher = StaticOnlyFetcher()
    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
    if fetcher.refused:
        log.warning("PDF %s: refused %d resource(s): %s", template_name, len(fetcher.refused), fetcher.refused[:3])
    return html, pdf


def harfbuzz_subset_available() -> bool:
    """WeasyPrint subsets fonts with libharfbuzz-subset0 when it loads; otherwise it falls back to
    fontTools, which is ~40× slower on CJK fonts (the certificate benchmark fails loudly then)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))
