from django.core.management.base import BaseCommand, CommandError

from levy.selectors import next_collection_year, policy_gaps


class Command(BaseCommand):
    help = "检查在用地区下一征收年度的残保金政策参数是否齐全（缺失时以非零状态退出）"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="征收年度（默认：明年）")

    def handle(self, *args, **options):
        year = options["year"] or next_collection_year()
        gaps = policy_gaps(year)
        for gap in gaps:
            self.stdout.write(f"{gap.region_code} {gap.region_name}：{gap.message}")
        if gaps:
            raise CommandError(f"{year}年征收：{len({g.region_code for g in gaps})}个在用地区缺少政策参数")
        self.stdout.write(self.style.SUCCESS(f"{year}年征收：在用地区的政策参数齐全"))
