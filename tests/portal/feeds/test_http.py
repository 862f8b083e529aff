"""The HTTP adapter against servers that misbehave: garbage, missing fields, errors, silence, and no
server at all. Each misbehaviour maps onto the right kind of failure."""

import datetime
import json
import socket
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.feeds import FeedRejected, FeedUnavailable, PersonNotFound, configure
from portal.feeds.codec import decode, encode
from portal.feeds.http import HttpSocialInsurance
from portal.feeds.types import (
    CertificateYear,
    Contribution,
    Holder,
    PensionStatus,
    SocialInsuranceMonth,
    SocialInsuranceYear,
    UnitRef,
    months_of,
)

ID = "310104198504129011"
UNIT = UnitRef("91310104MA1FL3X8QJ", "上海浦江精密仪器有限公司", "31061826")
GOOD = SocialInsuranceYear(ID, 2025, "张伟明", tuple(
    SocialInsuranceMonth(m, (Contribution(UNIT, True, Decimal("8600.00")),)) for m in months_of(2025)))


def serve(status: int, body: bytes, delay: float = 0.0):
    """A server that answers every GET with this status and body (after `delay`)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def server_answering():
    servers = []

    def start(status: int, body, delay: float = 0.0) -> HttpSocialInsurance:
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        servers.append(serve(status, raw, delay))
        host, port = servers[-1].server_address[:2]
        return HttpSocialInsurance(f"http://{host}:{port}")

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_well_formed_answer_decodes_to_the_same_result(server_answering):
    assert server_answering(200, encode(GOOD)).person_year(ID, 2025) == GOOD


@pytest.mark.parametrize("body", [
    b"<html>502 Bad Gateway</html>",
    {**encode(GOOD), "months": encode(GOOD)["months"][:11]},  # eleven months
    {k: v for k, v in encode(GOOD).items() if k != "name_on_record"},  # a missing field
    {**encode(GOOD), "extra": 1},  # an unexpected field
    {**encode(GOOD), "year": "2025"},  # a string for a number
    {**encode(GOOD), "id_number": "310104198504129020"},  # somebody else's answer
    {**encode(GOOD), "months": [{**encode(GOOD)["months"][0], "contributions": [
        {"unit": encode(UNIT), "paid": True, "base": 8600.0}]}] * 12},  # a float for money
], ids=["not-json", "eleven-months", "missing-field", "extra-field", "wrong-type", "other-person", "float-money"])
def test_a_malformed_answer_is_rejected(server_answering, body):
    with pytest.raises(FeedRejected) as caught:
        server_answering(200, body).person_year(ID, 2025)
    assert not isinstance(caught.value, PersonNotFound)


@pytest.mark.parametrize("status,body,expected", [
    (503, {"error": "unavailable", "message": "社会保险：接口暂时不可用（503）"}, FeedUnavailable),
    (500, b"", FeedUnavailable),
    (404, {"error": "person_not_found", "message": "社会保险：未匹配到社保信息"}, PersonNotFound),
    (404, b"not found", FeedRejected),  # a 404 that is not the registry's answer: a wrong URL
    (401, {"error": "unauthorized"}, FeedRejected),
])
def test_error_statuses_map_onto_the_two_kinds_of_failure(server_answering, status, body, expected):
    with pytest.raises(expected) as caught:
        server_answering(status, body).person_year(ID, 2025)
    assert type(caught.value) is expected


def test_a_silent_server_times_out_after_the_configured_time(server_answering):
    source = server_answering(200, encode(GOOD), delay=1.0)
    with configure(timeout_s=0.2):
        started = time.perf_counter()
        with pytest.raises(FeedUnavailable) as caught:
            source.person_year(ID, 2025)
    assert caught.value.reason == "timeout" and time.perf_counter() - started < 0.9


def test_no_server_at_all_is_unavailable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # a port nobody listens on once this closes
    with pytest.raises(FeedUnavailable) as caught:
        HttpSocialInsurance(f"http://127.0.0.1:{port}").person_year(ID, 2025)
    assert caught.value.reason == "network"


def test_the_codec_round_trips_every_kind_of_value():
    holder = Holder("张伟明", "M", datetime.date(1985, 4, 12), "310104", "上海市徐汇区")
    pension = PensionStatus(ID, 2025, True, None, None, "", "", False, Decimal("0.00"))
    for value in (GOOD, CertificateYear(ID, 2025, holder, ()), pension):
        assert decode(type(value), json.loads(json.dumps(encode(value)))) == value
