"""A small JSON gateway that serves the mock social-insurance registry over HTTP, for the HTTP
adapter: the contract tests start it in-process on a free localhost port, and
`manage.py feeds_serve` runs it beside the portal (FEEDS_BACKEND=http, FEEDS_HTTP_URL=…).

It binds to localhost only and has no authentication: it stands in for a government endpoint on
a closed network, not for something to expose.
"""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import connections

from portal.feeds.codec import decode, encode
from portal.feeds.errors import (
    FeedRejected,
    FeedUnavailable,
    PersonNotFound,
    RecordNotFound,
    SubmissionNotFound,
    UnitNotFound,
)
from portal.feeds.mock import MockPension, MockSocialInsurance
from portal.feeds.types import WithholdingOrder

ROUTES = [
    (re.compile(r"^/v1/social-insurance/persons/([0-9X]{18})/(\d{4})$"), "person_year"),
    (re.compile(r"^/v1/social-insurance/units/([0-9A-Z]{18})/(\d{4})$"), "unit_year"),
    (re.compile(r"^/v1/social-insurance/units/([0-9A-Z]{18})/(\d{4})/contribution-base$"), "unit_contribution_base"),
]
PENSION_ROUTES = [
    (re.compile(r"^/v1/pension/persons/([0-9X]{18})/(\d{4})$"), "person_year"),
]
WITHHOLDING_STATUS = re.compile(r"^/v1/pension/withholdings/([A-Za-z0-9._-]{1,64})$")
MAX_BODY = 64 * 1024


class GatewayHandler(BaseHTTPRequestHandler):
    # Unobserved: the calling adapter records the call; counting it here too would double it.
    source = MockSocialInsurance(observed=False)
    pension = MockPension(observed=False)
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (the http.server API)
        self._answer(self._route_get)

    def do_POST(self):  # noqa: N802 (the http.server API)
        self._answer(self._route_post)

    def _route_get(self):
        for routes, source in ((ROUTES, self.source), (PENSION_ROUTES, self.pension)):
            for pattern, method in routes:
                match = pattern.match(self.path)
                if match:
                    return getattr(source, method)(match.group(1), int(match.group(2)))
        match = WITHHOLDING_STATUS.match(self.path)
        if match:
            return self.pension.withholding_status(match.group(1))
        return None

    def _route_post(self):
        if self.path != "/v1/pension/withholdings":
            return None
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise FeedRejected("请求过大")
        order = decode(WithholdingOrder, json.loads(self.rfile.read(length) or b"null"))
        return self.pension.withhold(order)

    def _answer(self, route):
        try:
            try:
                result = route()
            except ValueError as error:  # a body that is not JSON
                raise FeedRejected(f"请求格式不正确（{error}）") from None
            if result is None:
                return self._send(404, {"error": "no_route", "message": "无此接口"})
            return self._send(200, encode(result))
        except SubmissionNotFound as error:
            return self._send(404, {"error": "submission_not_found", "message": error.message})
        except PersonNotFound as error:
            return self._send(404, {"error": "person_not_found", "message": error.message})
        except UnitNotFound as error:
            return self._send(404, {"error": "unit_not_found", "message": error.message})
        except RecordNotFound as error:
            return self._send(404, {"error": "not_found", "message": error.message})
        except FeedRejected as error:
            return self._send(422, {"error": "rejected", "message": error.message})
        except FeedUnavailable as error:
            return self._send(504 if error.reason == "timeout" else 503,
                              {"error": "unavailable", "message": error.message})
        finally:
            # One thread per request: close its database connection or they pile up.
            connections.close_all()

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the caller gave up (its timeout): nobody is left to answer

    def log_message(self, format, *args):  # noqa: A002 (the http.server API)
        pass  # the adapter's stats are the log that matters


class Gateway:
    """The server on a background thread: `with Gateway() as url: …`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.server = ThreadingHTTPServer((host, port), GatewayHandler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="feeds-gateway", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
