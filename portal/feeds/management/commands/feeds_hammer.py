import json
import sys

from django.core.management.base import BaseCommand, CommandError

from portal.feeds import hammer
from portal.feeds.models import RegistryPerson


class Command(BaseCommand):
    help = "从多个进程并发调用模拟数据源，测量每秒调用数和最大同时服务数"

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int, default=4)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--calls", type=int, default=4000)
        parser.add_argument("--latency", type=int, default=20, help="每次调用的延迟（毫秒）")
        parser.add_argument("--concurrency", type=int, default=16, help="同时服务的调用数上限（所有进程合计）")
        parser.add_argument("--people", type=int, default=2000, help="轮流查询的人数")
        parser.add_argument("--worker", action="store_true", help="（内部）作为工作进程运行，参数从标准输入读取")

    def handle(self, *args, worker, processes, threads, calls, latency, concurrency, people, **options):
        if worker:
            sys.stdout.write(json.dumps(hammer.work(json.loads(sys.stdin.read()))) + "\n")
            return
        if min(processes, threads, calls, concurrency) < 1 or latency < 0:
            raise CommandError("进程数、线程数、调用数和并发上限须为正数")
        ids = list(RegistryPerson.objects.exclude(si_name="").order_by("id").values_list("id_number", flat=True)[:people])
        try:
            result = hammer.run(processes=processes, threads=threads, calls=calls, latency_ms=latency,
                                concurrency=concurrency, id_numbers=ids)
        except (ValueError, RuntimeError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(hammer.as_text(result))
        return None
