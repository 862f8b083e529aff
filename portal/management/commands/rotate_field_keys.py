"""Re-encrypt every encrypted field with the newest FIELD_ENCRYPTION_KEY and recompute the blind
indexes. Run after putting a new key in front; then the old key can be removed."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.crypto import BlindIndexField, EncryptedCharField


class Command(BaseCommand):
    help = "用最新密钥重新加密所有加密字段并重建检索索引"

    def handle(self, *args, **options):
        total = 0
        for model in apps.get_models():
            encrypted = [f.name for f in model._meta.fields if isinstance(f, EncryptedCharField)]
            if not encrypted:
                continue
            indexes = [f.name for f in model._meta.fields if isinstance(f, BlindIndexField)]
            queryset = model._base_manager.order_by("pk")
            for start in range(0, queryset.count(), 500):
                with transaction.atomic():
                    for obj in queryset[start : start + 500]:
                        obj.save(update_fields=encrypted + indexes)  # decrypts with any key, encrypts with the newest
                        total += 1
            self.stdout.write(f"{model._meta.label}: {queryset.count()}")
        self.stdout.write(self.style.SUCCESS(f"re-encrypted {total} rows"))
