"""Login bookkeeping: the absolute session lifetime starts at login, and every login, logout and
failure is an audit entry (no passwords in them)."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from portal.audit import audit_record
from portal.middleware import renew_idle_limit


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    request.session["auth_time"] = time.time()
    renew_idle_limit(request.session, user, force=True)  # written with the login, not on the next page
    audit_record(action="auth.login", actor=user, obj=user)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="auth.logout", actor=user, obj=user)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    audit_record(action="auth.login_failed", data={"username": str(credentials.get("username", ""))[:150]})


@receiver(user_locked_out)
def _on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit_record(action="auth.locked_out", data={"username": str(username or "")[:150]})
