"""The audit trail is append-only and shows on timelines (STYLE.md 9)."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.template import Context, Template
from django.urls import reverse

from portal.audit import audit_record
from portal.models import AuditEntry
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db


def test_entries_cannot_be_changed_or_deleted_through_the_orm(unit_a, owner):
    entry = audit_record(action="test.action", actor=owner, obj=unit_a, from_state="a", to_state="b", reason="因为")
    entry.reason = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_postgresql_itself_refuses_changes(unit_a):
    if connection.vendor != "postgresql":
        skip_or_fail("the trigger exists on PostgreSQL only (set DATABASE_URL)")
    entry = audit_record(action="test.action", obj=unit_a)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE portal_auditentry SET reason = 'x' WHERE id = %s", [entry.pk])


def test_an_entry_records_actor_states_reason_and_address(unit_a, owner, client_for):
    client = client_for(owner)
    client.post(reverse("employers:agents"), {"full_name": "张三", "email": "zs@example.cn"}, REMOTE_ADDR="10.1.2.3")
    entry = AuditEntry.objects.get(action="agent.invite")
    assert entry.actor == owner and entry.ip == "10.1.2.3" and entry.object_repr == unit_a.name


def test_the_timeline_partial_lists_an_objects_entries_in_order(unit_a, owner):
    audit_record(action="first", actor=owner, obj=unit_a, from_state="draft", to_state="submitted")
    audit_record(action="second", actor=owner, obj=unit_a, reason="退回原因")
    html = Template("{% audit_timeline obj %}").render(Context({"obj": unit_a}))
    assert html.index("first") < html.index("second")
    assert "draft → submitted" in html and "退回原因" in html


def test_the_audit_list_is_read_only_for_administrators(admin_user, client_for, owner):
    audit_record(action="visible.action", actor=owner)
    body = client_for(admin_user).get(reverse("console_audit"), {"q": "visible"}).content.decode()
    assert "visible.action" in body
    assert "<form method=\"post\"" not in body.split("<main")[1]
