"""`make run PORT=…` (issue 14, point 6): every process it starts builds its links (a receipt's
查验地址 and QR code, the invitation e-mail) on the address it serves, and the banner appears only
once the server answers."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal.management.commands.runportal import answers, processes, served_base_url

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def embedded_env(tmp_path, **extra) -> dict:
    """The embedded default in a scratch directory: no DATABASE_URL, no PORTAL_BASE_URL."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PORTAL_BASE_URL", "DEBUG"}}
    env.update(SQLITE_PATH=str(tmp_path / "portal.sqlite3"), BROKER_DIR=str(tmp_path / "broker"), **extra)
    return env


def test_every_process_points_its_links_at_the_port_it_serves(tmp_path):
    started = processes("127.0.0.1", 9123, embedded_env(tmp_path))
    assert set(started) == {"web", "worker", "beat"}
    assert "127.0.0.1:9123" in started["web"][0]
    for _name, (_cmd, env) in started.items():
        assert env["PORTAL_BASE_URL"] == "http://127.0.0.1:9123"
    # what a process started with that environment writes into a receipt and an invitation
    code = ("import django;django.setup();from django.conf import settings;"
            "from portal.receipts import verification_url;print(verification_url('ABCD-EFGH-JKMN'));"
            "print(settings.PORTAL_BASE_URL)")
    env = {**started["worker"][1], "DJANGO_SETTINGS_MODULE": "portal.settings"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["http://127.0.0.1:9123/verify/?code=ABCD-EFGH-JKMN", "http://127.0.0.1:9123"]


@pytest.mark.parametrize("host,environ,expected", [
    ("127.0.0.1", {}, "http://127.0.0.1:8000"),
    ("0.0.0.0", {}, "http://127.0.0.1:8000"),  # every address: this machine reaches it on the loopback
    ("::1", {}, "http://[::1]:8000"),
    ("127.0.0.1", {"PORTAL_BASE_URL": "https://portal.example.gov.cn"}, "https://portal.example.gov.cn"),
])
def test_an_explicit_base_url_is_kept_and_otherwise_the_served_address_is_used(host, environ, expected):
    assert served_base_url(host, 8000, environ) == expected


def read_until(process: subprocess.Popen, marker: str, timeout: float = 90) -> str:
    """stdout up to the line holding `marker` (the process is killed if it never comes)."""
    seen = []
    deadline = time.time() + timeout
    os.set_blocking(process.stdout.fileno(), False)
    while time.time() < deadline:
        line = process.stdout.readline()
        if line:
            seen.append(line)
            if marker in line:
                return "".join(seen)
        elif process.poll() is not None:
            break
        else:
            time.sleep(0.05)
    process.kill()
    pytest.fail(f"no {marker!r} in time:\n" + "".join(seen) + (process.stderr.read() or ""))


def start(tmp_path, port: int, migrate: bool = False) -> subprocess.Popen:
    env = {**embedded_env(tmp_path), "DJANGO_SETTINGS_MODULE": "portal.settings"}
    if migrate:  # as `make run` does first: the banner lists the demo logins
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return subprocess.Popen([sys.executable, "manage.py", "runportal", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=40)
    return out + err


@pytest.mark.worker
def test_the_banner_shows_the_port_once_the_server_answers_and_ctrl_c_stops_everything(tmp_path):
    port = free_port()
    process = start(tmp_path, port, migrate=True)
    try:
        banner = read_until(process, "已启动")
        assert f"http://127.0.0.1:{port}/" in banner
        assert answers(f"http://127.0.0.1:{port}/health/live")  # the address shown already answers
    finally:
        tail = stop(process)
    assert process.returncode == 0 and "已全部停止" in tail


@pytest.mark.worker
def test_a_port_in_use_is_said_and_no_banner_is_shown(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start(tmp_path, port)
        out, err = process.communicate(timeout=90)
    assert f"端口 {port} 可能已被占用" in err and "已启动" not in out
    assert "已全部停止" in out
