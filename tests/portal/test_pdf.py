"""The PDF helper: deny-by-default fetching, Chinese and rare characters, render once (STYLE.md 22;
checklist F1)."""

import subprocess

import pytest
from django.core.files.storage import default_storage

from portal.documents import document_issue, document_render
from portal.models import IssuedDocument
from portal.pdf import StaticOnlyFetcher, harfbuzz_subset_available, render_pdf

pytestmark = pytest.mark.django_db


def pdftotext(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


@pytest.mark.parametrize("url", ["file:///etc/hostname", "http://127.0.0.1:1/x.css", "https://example.com/a.png",
                                 "https://pdf.portal.invalid/static/../../portal/settings.py"])
def test_the_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_our_stylesheet_and_data_uris():
    assert b"@page" in StaticOnlyFetcher().fetch("https://pdf.portal.invalid/static/css/print.css").read()
    assert StaticOnlyFetcher().fetch("data:text/plain;base64,5Lit").read() == "中".encode()


def test_a_hostile_template_value_fetches_nothing():
    html, pdf = render_pdf("pdf/receipt.html", {
        "title": "回执",
        "public_facts": {"单位": '<link rel="attachment" href="file:///etc/hostname">'},
        "details": {"x": '<img src="file:///etc/passwd"><img src="http://127.0.0.1:1/x.png">'},
    })
    assert "&lt;link" in html  # autoescaped; and even if a link got through, the fetcher would refuse it
    assert b"/EmbeddedFile" not in pdf


def test_a_raw_attachment_link_is_not_embedded():
    from weasyprint import HTML

    from portal.pdf import BASE_URL

    pdf = HTML(string='<link rel="attachment" href="file:///etc/hostname"><p>x</p>', base_url=BASE_URL,
               url_fetcher=StaticOnlyFetcher()).write_pdf()
    assert b"/EmbeddedFile" not in pdf


def test_chinese_title_and_rare_characters_render():
    html, pdf = render_pdf("pdf/receipt.html", {
        "title": "年审申报回执", "employer_name": "上海测试有限公司",
        "public_facts": {"业务年度": "2025"}, "details": {"经办人": "王堃 李䶮"},
    })
    assert "年审申报回执" in html
    text = pdftotext(pdf)
    assert "年审申报回执" in text and "王堃" in text and "李䶮" in text
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True).stdout.decode()
    assert "Noto-Serif-CJK-SC" in fonts or "Noto-Sans-CJK-SC" in fonts  # embedded, not a fallback with boxes


def test_a_document_is_rendered_once_and_then_served_from_storage(unit_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = document_issue(kind="test", title="测试文书", template="pdf/receipt.html",
                                  context={"title": "测试文书", "public_facts": {}}, employer=unit_a)
    document = IssuedDocument.objects.get(pk=document.pk)
    assert document.status == "ready" and document.render_count == 1
    first = default_storage.open(document.storage_name).read()
    document_render(document.pk)  # issued again: nothing is rendered
    document = IssuedDocument.objects.get(pk=document.pk)
    assert document.render_count == 1 and default_storage.open(document.storage_name).read() == first


def test_harfbuzz_subsetting_is_available():
    assert harfbuzz_subset_available(), "install libharfbuzz-subset0: WeasyPrint is ~40x slower without it"
