"""What the load test's users read off the portal's pages to act on them: the CSRF token, the upload
forms of step ③, the month decisions of the review page and a form's error summary. Kept apart
from the locustfile (importing locust patches the process) so that tests can run these on pages
the portal renders."""

import html
import re

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHECK = re.compile(r'<input type="hidden" name="check" value="([^"]+)"')
DECISION = re.compile(r'name="decision_(\d+)"')
ERROR_SUMMARY = re.compile(r'<div class="error-summary".*?</div>', re.S)
TAG = re.compile(r"<[^>]+>")


def csrf_token(page: str) -> str:
    found = CSRF.search(page)
    return found.group(1) if found else ""


def evidence_sections(page: str) -> list[tuple[str, list[str]]]:
    """Step ③'s upload forms: for each failed check, its name and the months it offers (the form's
    fields are `<check>-months`, one checkbox a month, and `<check>-file`)."""
    sections = []
    for check in CHECK.findall(page):
        months = re.findall(rf'name="{re.escape(check)}-months" value="(\d+)"', page)
        if months:
            sections.append((check, months))
    return sections


def upload_form(check: str, months: list[str]) -> list[tuple[str, str]]:
    """The fields of one step-③ upload besides its file: the check and every month it offers (the
    page ticks them all)."""
    return [("check", check), *((f"{check}-months", m) for m in months)]


def decision_months(page: str) -> list[str]:
    """The months the review page asks a decision for (none once the person is decided)."""
    return list(dict.fromkeys(DECISION.findall(page)))


def all_valid(months: list[str]) -> dict[str, str]:
    """确认 with every declared month 有效 (a 无效 month would need a reason)."""
    data = {"decide": "1"}
    for m in months:
        data.update({f"decision_{m}": "valid", f"reason_choice_{m}": "", f"reason_{m}": ""})
    return data


def form_error(page: str) -> str:
    """The text of a form's error summary (请修改以下内容后再提交 …), empty when there is none."""
    found = ERROR_SUMMARY.search(page)
    return " ".join(html.unescape(TAG.sub(" ", found.group(0))).split()) if found else ""

