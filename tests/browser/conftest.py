"""Playwright in Debian's chromium (never a downloaded browser), with axe-core vendored from npm.

Each journey saves screenshots under test-artifacts/screenshots/ and runs axe on every page it
visits: no serious or critical violations."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if not executable:
        skip_or_fail("Debian's chromium is not installed (make test installs it as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright package is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, reference_data):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.add_init_script(path=str(AXE))  # runs before page scripts, outside the page's CSP
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


class Journey:
    """Screenshots and accessibility checks along a journey."""

    def __init__(self, page, name: str):
        self.page = page
        self.name = name
        self.step = 0
        self.violations: list[str] = []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def snap(self, label: str, full_page: bool = True) -> Path:
        self.step += 1
        path = SCREENSHOTS / f"{self.name}-{self.step:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def axe(self, label: str) -> None:
        results = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        for v in results["violations"]:
            if v["impact"] in ("serious", "critical"):
                targets = [", ".join(n["target"]) for n in v["nodes"][:3]]
                self.violations.append(f"{label}: {v['id']} ({v['impact']}) {v['help']} at {targets}")

    def check(self, label: str) -> None:
        """Screenshot and axe for the page now shown."""
        self.snap(label)
        self.axe(label)

    def assert_accessible(self) -> None:
        assert not self.violations, "axe-core found serious or critical violations:\n" + "\n".join(self.violations)


@pytest.fixture
def journey(page, request):
    return Journey(page, request.node.name.replace("test_", ""))


def pick_region(page, field_id: str, province: str, city: str, county: str) -> None:
    """Choose province → city → county in a region picker (each select is filled by a fetch)."""
    page.select_option(f"#{field_id}_province", province)
    page.locator(f"#{field_id}_city option").nth(1).wait_for(state="attached")
    page.select_option(f"#{field_id}_city", city)
    page.locator(f"#{field_id} option").nth(1).wait_for(state="attached")
    page.select_option(f"#{field_id}", county)


def fill_contract(page, attachment: bytes, name: str = "劳动合同.pdf") -> None:
    """添加合同: an open-ended contract of the unit itself from 2020, with `attachment` as its file."""
    page.get_by_label("是否为劳务派遣").select_option("0")
    page.get_by_label("合同类型").select_option("open_ended")
    page.get_by_label("合同开始日期").fill("2020-01-01")
    page.get_by_label("岗位工种").fill("装配工")
    page.get_by_label("合同月薪（元）").fill("5000")
    page.get_by_label("合同附件").set_input_files({"name": name, "mimeType": "application/pdf", "buffer": attachment})
    page.get_by_role("button", name="保存合同").click()


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    # leave only once the log-in went through ("**/" alone also matches the log-in page itself)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def staff_log_in(page, user, *, password: str | None = None, key: bytes | None = None) -> None:
    """Log a staff member in and pass the second factor with the current code of their device
    (a test device by default; the demo accounts' fixed keys with `key`). A code is good once:
    a second log-in of the same person within 30 seconds needs another account."""
    from django_otp.oath import totp

    from tests import factories as f

    if key is None:
        key = f.confirmed_totp(user).bin_key
    log_in(page, user.username, password or f.PASSWORD)
    page.wait_for_url("**/accounts/otp/**")
    page.get_by_label("动态验证码").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
