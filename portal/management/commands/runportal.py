"""`make run`: the web server, a Celery worker and Celery beat together, stopped cleanly on Ctrl-C."""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.demo import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "启动门户（网页服务、后台任务进程和定时任务进程），Ctrl-C 全部停止"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [python, "-m", "celery", "-A", "portal", "worker", "-l", "warning", "--concurrency", "2"],
            "beat": [python, "-m", "celery", "-A", "portal", "beat", "-l", "warning",
                     "-s", settings.CELERY_BEAT_SCHEDULE_FILENAME],
        }
        children = {name: subprocess.Popen(cmd, start_new_session=True) for name, cmd in commands.items()}
        self._banner(host, port)

        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(f"{name} 进程已退出（代码 {child.returncode}），正在停止其他进程")
                        stopping = True
                time.sleep(0.5)
        finally:
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

    def _banner(self, host, port):
        url = f"http://{host}:{port}/"
        lines = ["", "=" * 72, f"  残疾人就业服务平台已启动：{url}", f"  演示账号密码均为：{DEMO_PASSWORD}", ""]
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
