"""An HTTP-shaped adapter for social insurance: how a real integration plugs in. It speaks JSON
over HTTP to a registry gateway (here `portal.feeds.gateway`, serving the mock; in production the
government's endpoint) and passes the same contract tests as the mock.

    GET {base}/v1/social-insurance/persons/{id_number}/{year}  → SocialInsuranceYear
    GET {base}/v1/social-insurance/units/{credit_code}/{year}  → UnitInsuranceYear
    GET {base}/v1/social-insurance/units/{credit_code}/{year}/contribution-base  → UnitContributionYear
    errors: {"error": "person_not_found" | "unit_not_found" | "rejected" | "unavailable", "message": "…"}

and for the pension registry (委托代扣 on the pension day; the POST is idempotent by reference):

    GET  {base}/v1/pension/persons/{id_number}/{year}       → PensionStatus
    POST {base}/v1/pension/withholdings   WithholdingOrder  → WithholdingReceipt
    GET  {base}/v1/pension/withholdings/{reference}         → WithholdingReceipt (404 submission_not_found)

Failures map onto the package's two kinds: no answer within FEEDS_TIMEOUT_S, a refused connection
or a 5xx is FeedUnavailable (retry); a 404 is PersonNotFound/UnitNotFound; anything the adapter
cannot read (bad JSON, missing fields, another status) is FeedRejected.
"""

import json
import urllib.error
import urllib.request
from urllib.parse import quote

from portal.feeds import interface
from portal.feeds.behaviour import current_behaviour
from portal.feeds.codec import decode, encode
from portal.feeds.errors import (
    FeedRejected,
    FeedUnavailable,
    PersonNotFound,
    SubmissionNotFound,
    UnitNotFound,
)
from portal.feeds.types import (
    BASE_CHANGE_CATEGORIES,
    WITHHOLDING_STATUSES,
    PensionStatus,
    SocialInsuranceYear,
    UnitContributionYear,
    UnitInsuranceYear,
    WithholdingOrder,
    WithholdingReceipt,
    months_of,
)

# No proxy: the registry is reached directly (an http_proxy variable must not reroute it).
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_NOT_FOUND = {"person_not_found": PersonNotFound, "unit_not_found": UnitNotFound,
              "submission_not_found": SubmissionNotFound}
MAX_BYTES = 1024 * 1024


class HttpSocialInsurance(interface.SocialInsuranceSource):
    def __init__(self, base_url: str, *, observed: bool = True):
        super().__init__(observed=observed)
        self.base_url = base_url.rstrip("/")

    def _person_year(self, id_number: str, year: int) -> SocialInsuranceYear:
        data = self._get(f"/v1/social-insurance/persons/{quote(id_number)}/{year}")
        result = decode(SocialInsuranceYear, data)
        self._check(result, id_number, year)
        return result

    def _unit_year(self, credit_code: str, year: int) -> UnitInsuranceYear:
        data = self._get(f"/v1/social-insurance/units/{quote(credit_code)}/{year}")
        result = decode(UnitInsuranceYear, data)
        self._check(result, credit_code, year)
        return result

    def _unit_contribution_base(self, credit_code: str, year: int) -> UnitContributionYear:
        data = self._get(f"/v1/social-insurance/units/{quote(credit_code)}/{year}/contribution-base")
        result = decode(UnitContributionYear, data)
        self._check(result, credit_code, year)
        if tuple(c.category for c in result.changes) != tuple(BASE_CHANGE_CATEGORIES):
            raise FeedRejected(f"{self.label}：变更基数类别不符", source=self.name)
        return result

    def _check(self, result, subject: str, year: int) -> None:
        """The answer is about what was asked: this person or unit, this year, its twelve months."""
        asked = getattr(result, "id_number", None) or getattr(result, "credit_code", None)
        if asked != subject or result.year != year or tuple(m.month for m in result.months) != months_of(year):
            raise FeedRejected(f"{self.label}：应答与查询不符", source=self.name)

    def _get(self, path: str, body: dict | None = None):
        """GET the path (POST `body` as JSON when given) and decode the JSON answer."""
        timeout = current_behaviour().timeout_s
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json; charset=utf-8"
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers,
                                         method="POST" if body is not None else "GET")
        try:
            with _opener.open(request, timeout=timeout) as response:
                body = response.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise self._error(error) from None
        except TimeoutError:  # socket.timeout is an alias
            raise FeedUnavailable(f"{self.label}：查询超时（{timeout:g}秒）", source=self.name, reason="timeout") from None
        except (urllib.error.URLError, ConnectionError) as error:
            raise FeedUnavailable(f"{self.label}：无法连接（{error}）", source=self.name, reason="network") from None
        if len(body) > MAX_BYTES:
            raise FeedRejected(f"{self.label}：应答过大", source=self.name)
        try:
            return json.loads(body)
        except ValueError:
            raise FeedRejected(f"{self.label}：应答不是有效的JSON", source=self.name) from None

    def _error(self, error: urllib.error.HTTPError):
        try:
            body = json.loads(error.read(MAX_BYTES) or b"{}")
            code, message = body.get("error", ""), body.get("message", "")
        except (ValueError, AttributeError, OSError):
            code, message = "", ""
        message = message or f"{self.label}：接口返回 {error.code}"
        if error.code >= 500:
            reason = "timeout" if error.code == 504 else "error"
            return FeedUnavailable(message, source=self.name, reason=reason)
        if error.code == 404 and code in _NOT_FOUND:
            return _NOT_FOUND[code](message, source=self.name)
        return FeedRejected(message, source=self.name)


class HttpPension(interface.PensionSource):
    """The pension registry over the same JSON conventions (and the same failure mapping)."""

    def __init__(self, base_url: str, *, observed: bool = True):
        super().__init__(observed=observed)
        self.base_url = base_url.rstrip("/")

    _get = HttpSocialInsurance._get
    _error = HttpSocialInsurance._error

    def _person_year(self, id_number: str, year: int) -> PensionStatus:
        result = decode(PensionStatus, self._get(f"/v1/pension/persons/{quote(id_number)}/{year}"))
        if result.id_number != id_number or result.year != year:
            raise FeedRejected(f"{self.label}：应答与查询不符", source=self.name)
        return result

    def _withhold(self, order: WithholdingOrder) -> WithholdingReceipt:
        return self._receipt(self._get("/v1/pension/withholdings", encode(order)), order.reference)

    def _withholding_status(self, reference: str) -> WithholdingReceipt:
        return self._receipt(self._get(f"/v1/pension/withholdings/{quote(reference, safe='')}"), reference)

    def _receipt(self, data, reference: str) -> WithholdingReceipt:
        result = decode(WithholdingReceipt, data)
        if result.reference != reference or result.status not in WITHHOLDING_STATUSES:
            raise FeedRejected(f"{self.label}：应答与代扣单不符", source=self.name)
        return result
