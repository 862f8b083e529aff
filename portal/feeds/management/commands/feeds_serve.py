import signal
import threading

from django.core.management.base import BaseCommand

from portal.feeds.gateway import Gateway


class Command(BaseCommand):
    help = "在本机启动模拟社会保险接口（HTTP），供 FEEDS_BACKEND=http 使用；Ctrl-C 停止"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765)

    def handle(self, *args, port, **options):
        stop = threading.Event()
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with Gateway(port=port) as url:
            self.stdout.write(f"模拟社会保险接口：{url}/v1/social-insurance/…")
            self.stdout.write(f"  FEEDS_BACKEND=http FEEDS_HTTP_URL={url}")
            stop.wait()
        self.stdout.write("已停止。")
