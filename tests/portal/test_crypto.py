"""Field encryption with a blind index (checklist G3)."""

import base64
import os

import pytest
from django.core.management import call_command
from django.db import connection

from employers.models import Employer
from portal import crypto
from portal.crypto import DecryptionFailed, matches

pytestmark = pytest.mark.django_db
NUMBER = "310104197803150034"


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def raw_row(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT legal_rep_id_number, legal_rep_id_index FROM employers_employer WHERE id = %s", [pk])
        return cursor.fetchone()


def test_the_column_holds_no_plaintext_and_the_full_number_finds_the_row(unit_a):
    unit_a.legal_rep_id_number = NUMBER
    unit_a.save()
    stored, index = raw_row(unit_a.pk)
    assert NUMBER not in stored and "19780315" not in stored and stored.startswith("enc1:")
    assert NUMBER not in index
    assert Employer.objects.filter(matches("legal_rep_id_index", NUMBER)).get() == unit_a
    assert not Employer.objects.filter(matches("legal_rep_id_index", NUMBER[:-1] + "5")).exists()
    assert Employer.objects.get(pk=unit_a.pk).legal_rep_id_number == NUMBER


def test_two_saves_of_the_same_number_differ_on_disk(unit_a, unit_b):
    for unit in (unit_a, unit_b):
        unit.legal_rep_id_number = NUMBER
        unit.save()
    assert raw_row(unit_a.pk)[0] != raw_row(unit_b.pk)[0]
    assert raw_row(unit_a.pk)[1] == raw_row(unit_b.pk)[1]


def test_a_wrong_key_fails_loudly(unit_a, settings):
    unit_a.legal_rep_id_number = NUMBER
    unit_a.save()
    settings.FIELD_ENCRYPTION_KEYS = [new_key()]
    with pytest.raises(DecryptionFailed, match="密钥不匹配"):
        Employer.objects.get(pk=unit_a.pk)


def test_an_encrypted_field_cannot_be_searched_by_value():
    with pytest.raises(TypeError, match="blind index"):
        Employer.objects.filter(legal_rep_id_number=NUMBER).exists()


def test_key_rotation_keeps_old_rows_readable_and_searchable_then_reencrypts(unit_a, settings):
    unit_a.legal_rep_id_number = NUMBER
    unit_a.save()
    old = list(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_ENCRYPTION_KEYS = [new_key(), *old]
    assert Employer.objects.get(pk=unit_a.pk).legal_rep_id_number == NUMBER
    assert Employer.objects.filter(matches("legal_rep_id_index", NUMBER)).exists()
    assert not crypto.is_current(raw_row(unit_a.pk)[0])
    call_command("rotate_field_keys", verbosity=0)
    assert crypto.is_current(raw_row(unit_a.pk)[0])
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # the old key retired
    assert Employer.objects.get(pk=unit_a.pk).legal_rep_id_number == NUMBER
    assert Employer.objects.filter(matches("legal_rep_id_index", NUMBER)).exists()
