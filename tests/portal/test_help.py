"""帮助 and the 系统操作手册 (issue 15, point 9): each role reads its own topics, the employer's
include 残疾证相关问题解答, and the manual is one PDF built from the same pages."""

import subprocess
import tempfile

import pytest

from portal.help import TOPICS, topics_for
from portal.roles import Role
from tests.conftest import require_poppler

pytestmark = pytest.mark.django_db


def test_every_role_has_topics_and_every_topic_renders(client_for, owner):
    from django.template.loader import render_to_string

    for role in Role:
        assert topics_for(role), role
    for topic in TOPICS:
        assert render_to_string(topic.template).strip()


def test_the_employer_reads_the_certificate_faq_and_not_the_reviewers_pages(owner, client_for):
    client = client_for(owner)
    index = client.get("/help/").content.decode()
    assert "残疾证相关问题解答" in index and "下载系统操作手册（用人单位经办人）（PDF）" in index
    assert "安置登记审核与年审认证" not in index
    faq = client.get("/help/certificate-faq/").content.decode()
    assert "获取不到残疾证怎么办？" in faq
    assert client.get("/help/review/").status_code == 404


def test_the_manual_is_one_pdf_of_the_roles_help_pages(owner, client_for):
    require_poppler()
    response = client_for(owner).get("/help/manual.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(response.content)
        pdf.flush()
        text = subprocess.run(["pdftotext", pdf.name, "-"], capture_output=True, check=True).stdout.decode()
    assert "系统操作手册（用人单位经办人）" in text
    for topic in topics_for(Role.EMPLOYER_AGENT):
        assert topic.title in text.replace("\n", ""), topic.title
