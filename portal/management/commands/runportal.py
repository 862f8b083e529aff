"""`make run`: the web server, a Celery worker and Celery beat together, stopped cleanly on Ctrl-C.

Links the portal hands out (a receipt's 查验地址 and QR code, the invitation e-mail) are built from
PORTAL_BASE_URL, never from a request's Host header. In the embedded default nobody sets it, so this
command passes the address it serves to all three processes: run on port 9000, the links say 9000
(issue 14, point 6). An explicit PORTAL_BASE_URL (a proxy in front) is kept as it is."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from portal.demo import DEMO_PASSWORD, demo_logins

WILDCARDS = {"0.0.0.0", "::", ""}
ANSWER_TIMEOUT_S = 120  # a cold first start (migrations already ran) answers in a few seconds


def local_address(host: str) -> str:
    """Where this machine reaches the server: a wildcard bind is reached on the loopback address."""
    host = "127.0.0.1" if host in WILDCARDS else host
    return f"[{host}]" if ":" in host else host


def served_base_url(host: str, port: int, environ) -> str:
    """The origin links should point at: an explicit PORTAL_BASE_URL, else the address served."""
    return environ.get("PORTAL_BASE_URL") or f"http://{local_address(host)}:{port}"


def processes(host: str, port: int, environ) -> dict[str, tuple[list[str], dict]]:
    """The three processes `make run` starts, each with its command and environment."""
    python = sys.executable
    env = {**environ, "PORTAL_BASE_URL": served_base_url(host, port, environ)}
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "web": ([python, "manage.py", "runserver", bind, "--noreload"], env),
        "worker": ([python, "-m", "celery", "-A", "portal", "worker", "-l", "warning", "--concurrency", "2"], env),
        "beat": ([python, "-m", "celery", "-A", "portal", "beat", "-l", "warning",
                  "-s", settings.CELERY_BEAT_SCHEDULE_FILENAME], env),
    }


def answers(url: str) -> bool:
    """The web process answers HTTP (any status: it is up, whatever the page says)."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise CommandError(f"端口应为 1–65535 之间的数字，而不是 {value!r}")
    return int(value)


class Command(BaseCommand):
    help = "启动门户（网页服务、后台任务进程和定时任务进程），Ctrl-C 全部停止"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000", help="网页服务端口（make run PORT=9000）")

    def handle(self, *args, host, port, **options):
        port = _port(str(port))
        children = {name: subprocess.Popen(cmd, env=env, start_new_session=True)
                    for name, (cmd, env) in processes(host, port, os.environ).items()}
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            stopping = not self._wait_until_answering(host, port, children, lambda: stopping)
            if not stopping:
                self._banner(served_base_url(host, port, os.environ))
            while not stopping:
                stopping = self._one_exited(children)
                time.sleep(0.5)
        finally:
            self._stop_all(children)

    def _wait_until_answering(self, host, port, children, stopped) -> bool:
        """The banner is printed once the server answers, so the address it shows works."""
        url = f"http://{local_address(host)}:{port}{reverse('health_live')}"
        deadline = time.time() + ANSWER_TIMEOUT_S
        while time.time() < deadline and not stopped():
            if self._one_exited(children):
                if children["web"].poll() is not None:
                    self.stderr.write(f"网页服务未能启动：端口 {port} 可能已被占用，可换一个端口，如 make run PORT={port + 1}")
                return False
            if answers(url):
                return True
            time.sleep(0.3)
        if not stopped():
            self.stderr.write(f"网页服务在 {ANSWER_TIMEOUT_S} 秒内没有响应 {url}，正在停止")
        return False

    def _one_exited(self, children) -> bool:
        for name, child in children.items():
            if child.poll() is not None:
                self.stderr.write(f"{name} 进程已退出（代码 {child.returncode}），正在停止其他进程")
                return True
        return False

    def _stop_all(self, children):
        self.stdout.write("正在停止……")
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.time() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(deadline - time.time(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write("已全部停止。")

    def _banner(self, url):
        lines = ["", "=" * 72, f"  残疾人就业服务平台已启动：{url.rstrip('/')}/", f"  演示账号密码均为：{DEMO_PASSWORD}", ""]
        for username, role, where in demo_logins():
            lines.append(f"  {username:22s} {role:14s} {where}")
        lines += [
            "",
            "  工作人员登录需输入动态验证码：另开终端运行  make totp USER=reviewer-sh",
            "  按 Ctrl-C 停止全部进程",
            "=" * 72,
            "",
        ]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
