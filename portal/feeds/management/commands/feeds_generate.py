import time

from django.core.management.base import BaseCommand, CommandError

from portal.feeds.demo import current_month
from portal.feeds.generator import FIRST_MONTH, Writer, delete_generated, population


class Command(BaseCommand):
    help = "生成模拟数据源的人员和记录（同一种子生成相同数据；会先删除上次生成的数据，演示数据保留）"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--people", type=int, default=20000)
        parser.add_argument("--until", type=int, default=None, help="最后一个月份 YYYYMM（默认本月）")
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args, seed, people, until, batch, **options):
        until = until or current_month()
        if not (FIRST_MONTH <= until <= 210012 and 1 <= until % 100 <= 12):
            raise CommandError(f"--until 应为 {FIRST_MONTH} 之后的年月（YYYYMM），不是 {until}")
        started = time.perf_counter()
        delete_generated()
        counts = Writer(batch=batch).write(population(seed, people, until))
        seconds = time.perf_counter() - started
        for name, count in counts.items():
            self.stdout.write(f"  {name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"已生成（种子 {seed}，{people} 人，至 {until}），用时 {seconds:.1f} 秒"))
