from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from portal.demo import STAFF, totp_key_for


class Command(BaseCommand):
    help = "显示演示工作人员账号当前的6位动态验证码"

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")

    def handle(self, *args, username=None, **options):
        names = [s.username for s in STAFF]
        if username and username not in names:
            raise CommandError(f"不是演示工作人员账号：{username}（可选：{', '.join(names)}）")
        for name in [username] if username else names:
            code = totp(bytes.fromhex(totp_key_for(name)))
            self.stdout.write(f"{name:15s} {code:06d}")
