"""The filing-window peak as locust users (`make loadtest` runs this file; see bench/loadtest/__main__.py).

Each role walks its everyday pages after signing in through the real login (staff with their TOTP).
Requests named with a leading "·" are the everyday pages and actions the BENCH lines measure; sign-in
and the floor page are named otherwise. Think time comes from LOADTEST_WAIT
(seconds, 0 = saturation).

With think time on (the peak round) three everyday actions join the pages: an employer uploads
evidence at step ③ of the wizard ("·上传附件"), a reviewer decides a person of the 待审核 queue
("·审核确认") and a tax officer downloads the 认定结果 export ("·导出Excel"), so the peak's p95 and its
error count include them. The saturation rounds (LOADTEST_WAIT=0) leave them out: they measure page
throughput against the empty page, and a request they do not count would only take the pages' time."""

import http.cookiejar
import json
import os
import random
import re
import time

from locust import HttpUser, between, constant, events, task

from bench.loadtest.pages import (
    all_valid,
    csrf_token,
    decision_months,
    evidence_sections,
    form_error,
    upload_form,
)
from bench.loadtest.totp import totp
from tests.pdf_samples import PLAIN

WAIT = float(os.environ.get("LOADTEST_WAIT", "3"))
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "Demo#2026portal")
AGENTS = ["agent-sh@demo.cn", "agent-nm@demo.cn", "agent-ln@demo.cn", "agent-ln2@demo.cn"]
PERSON = re.compile(r'href="(/placement/persons/\d+/[\w-]*/?)"')  # the person links the list gives
REVIEW = re.compile(r'href="/backoffice/persons/(\d+)/')  # the persons a queue page lists
# The actions' weight (the two writes and the export): none in the saturation rounds (they measure
# pages), one in the peak's (a task of weight 0 is never picked).
ACTION = 1 if WAIT else 0
EVIDENCE = PLAIN  # what an agent uploads: the tests' plain PDF, small and valid (the portal parses every PDF)


# Production cookies are Secure (`__Host-…`), and requests keeps them off plain http. The load runs on
# loopback as if behind the TLS proxy (each request says X-Forwarded-Proto: https), so the cookie jar
# sends them over http too (this process is the load generator, nothing else).
http.cookiejar.DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


def wait_time():
    return between(WAIT * 0.5, WAIT * 1.5) if WAIT else constant(0)


class PortalUser(HttpUser):
    abstract = True
    wait_time = wait_time()

    def on_start(self):
        self.client.headers.update({"X-Forwarded-Proto": "https", "Accept-Language": "zh-hans"})
        self.sign_in()

    def post_form(self, path: str, data: dict, name: str):
        page = self.client.get(path, name=f"sign-in {path}")
        response = self.client.post(path, {**data, "csrfmiddlewaretoken": csrf_token(page.text)},
                                    headers=self.referer(path), name=name)
        return response

    def referer(self, path: str) -> dict:
        """Django checks an HTTPS form's Referer against the host (the load runs as if behind TLS)."""
        return {"Referer": f"{self.host.replace('http://', 'https://')}{path}"}

    def page(self, path: str, name: str, follow: bool = False):
        """A page that must answer 200 (a redirect to the login page is a failure, not a fast page)."""
        with self.client.get(path, name=name, catch_response=True, allow_redirects=follow) as r:
            if r.status_code != 200 or "/accounts/login/" in r.url:
                r.failure(f"{r.status_code} at {path}")
        return r

    def sign_in(self):
        raise NotImplementedError


class EmployerAgent(PortalUser):
    """首页 → 安置人员列表 → a person's wizard step → 通知公告 (the measured walk of issue 20); at the
    peak also 上传附件 at step ③."""

    def sign_in(self):
        self.username = random.choice(AGENTS)
        self.post_form("/accounts/login/", {"username": self.username, "password": PASSWORD}, "sign-in")
        self.persons = PERSON.findall(self.page("/placement/", "sign-in 安置人员列表").text) or []

    @task(3)
    def home(self):
        self.page("/", "·首页")

    @task(3)
    def person_list(self):
        self.page("/placement/", "·安置人员列表")

    @task(2)
    def notices(self):
        self.page("/notices/", "·通知公告")

    @task(1)
    def wizard_step(self):
        if self.persons:
            # the list's own link: the person's current step, or the record once it can no longer change
            self.page(random.choice(self.persons), "·安置人员（当前步骤）", follow=True)

    @task(ACTION)
    def upload(self):
        """上传附件: a person the list shows at step ③, one failed check's material for the months the
        page offers. Success is the redirect back to the step; a refusal re-renders the page (200)
        with the reason in Chinese, a failure. (agent-ln2's year is filed: nobody at step ③.)"""
        at_step3 = [p for p in self.persons if p.endswith("/evidence/")]
        if not at_step3:
            return
        path = random.choice(at_step3)
        page = self.page(path, "·安置人员（当前步骤）")
        sections = evidence_sections(page.text)
        if not sections:
            return  # the page failed (counted), or the person needs nothing any more
        check, months = random.choice(sections)
        data = [*upload_form(check, months), ("csrfmiddlewaretoken", csrf_token(page.text))]
        with self.client.post(path, data, files={f"{check}-file": ("证明材料.pdf", EVIDENCE, "application/pdf")},
                              headers=self.referer(path), name="·上传附件", catch_response=True,
                              allow_redirects=False) as r:
            if r.status_code == 302 and r.headers.get("Location", "").endswith(path):
                r.success()
            else:
                r.failure(form_error(r.text) or f"{r.status_code} at {path}")


class StaffUser(PortalUser):
    abstract = True
    account = ""

    def sign_in(self):
        # Each simulated staff member is an account of its own (bench.loadtest prepares them): a TOTP
        # code is accepted once, so two sessions of one account cannot sign in within 30 s.
        self.username = StaffPool.take(self.account)
        self.post_form("/accounts/login/", {"username": self.username, "password": PASSWORD}, "sign-in")
        self.post_form("/accounts/otp/", {"token": totp(self.username)}, "sign-in otp")


class StaffPool:
    """Loadtest staff accounts lt-<role>-NN, created by bench.loadtest before the run; each round
    starts at its own LOADTEST_STAFF_FROM, so no account signs in twice within one TOTP step."""

    first = int(os.environ.get("LOADTEST_STAFF_FROM", "0"))
    taken: dict[str, int] = {}

    @classmethod
    def take(cls, account: str) -> str:
        n = cls.taken.get(account, 0)
        cls.taken[account] = n + 1
        return f"lt-{account}-{cls.first + n:02d}"


class Reviewer(StaffUser):
    """工作台 → 安置登记审核 queue → a person's review page; at the peak also 确认 (a decision)."""

    account = "reviewer"

    @task(2)
    def dashboard(self):
        self.page("/", "·工作台")  # the one 工作台 (/backoffice/ redirects there)

    @task(3)
    def queue(self):
        r = self.page("/backoffice/persons/?status=all", "·安置登记审核")
        self.persons = REVIEW.findall(r.text)

    @task(1)
    def review(self):
        if getattr(self, "persons", None):
            self.page(f"/backoffice/persons/{random.choice(self.persons)}/", "·审核页")

    @task(ACTION)
    def decide(self):
        """确认 with every declared month 有效, for a person of the default queue (待审核). Success is
        the redirect back to the page, or 409: another reviewer decided the person first, and the
        portal refusing the second decision is it working as designed. Nobody pending: skipped."""
        pending = REVIEW.findall(self.page("/backoffice/persons/", "·安置登记审核（待审核）").text)
        if not pending:
            return
        path = f"/backoffice/persons/{random.choice(pending)}/"
        page = self.page(path, "·审核页")
        months = decision_months(page.text)
        if not months:
            return  # decided by someone else since the queue was read: nothing to decide
        with self.client.post(path, {**all_valid(months), "csrfmiddlewaretoken": csrf_token(page.text)},
                              headers=self.referer(path), name="·审核确认", catch_response=True,
                              allow_redirects=False) as r:
            if r.status_code == 409 or (r.status_code == 302 and r.headers.get("Location", "").endswith(path)):
                r.success()
            else:
                r.failure(form_error(r.text) or f"{r.status_code} at {path}")


class TaxOfficer(StaffUser):
    """认定结果 list and a result; at the peak now and then the Excel export."""

    account = "tax"

    @task(5)
    def results(self):
        r = self.page("/tax/results/", "·认定结果")
        self.results_ = re.findall(r'href="/tax/results/(\d+)/', r.text)

    @task(2)
    def result(self):
        if getattr(self, "results_", None):
            self.page(f"/tax/results/{random.choice(self.results_)}/", "·认定结果详情")

    @task(ACTION)
    def export(self):
        """导出Excel: a download, not a page, so like the other two actions only at the peak, where its
        time counts in the p95 and its failures as errors."""
        self.page("/tax/results/export/", "·导出Excel")


class UnionStaff(StaffUser):
    """The union's batch list and its queue of code applications (the retiree plan)."""

    account = "union"

    @task(2)
    def batches(self):
        self.page("/backoffice/union/batches/", "·参保批次")

    @task(1)
    def queues(self):
        self.page("/backoffice/union/code-applications/", "·参保编码申请审核")


class EmptyPage(PortalUser):
    """The floor: an authenticated page of the portal's layout with nothing on it."""

    def sign_in(self):
        self.post_form("/accounts/login/", {"username": random.choice(AGENTS), "password": PASSWORD}, "sign-in")

    @task
    def empty(self):
        self.page("/bench/empty/", "floor")


# What the runner reads: every request's (time sent, response time in ms, name, ok), written at exit.
_samples: list[tuple[float, float, str, bool]] = []


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **_kw):
    _samples.append((time.time() - response_time / 1000, response_time, name, exception is None))


@events.quitting.add_listener
def _dump(environment, **_kw):
    out = os.environ.get("LOADTEST_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(_samples, fh)
