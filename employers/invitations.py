"""经办人邀请链接: a one-time link to set the first password, valid for INVITATION_TIMEOUT (three
days — a colleague invited on Friday afternoon can still accept on Monday), separate from the
one-hour password-reset link (checklist B3), so neither lifetime bends the other (issue 15)."""

import datetime

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token (void once a password is set or the account logs in) with the
    invitation's own salt and lifetime."""

    key_salt = "employers.invitations.InvitationTokenGenerator"

    def check_token(self, user, token) -> bool:
        # Django's check, with settings.INVITATION_TIMEOUT in place of PASSWORD_RESET_TIMEOUT
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
                   for secret in [self.secret, *self.secret_fallbacks]):
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.INVITATION_TIMEOUT


invitation_tokens = InvitationTokenGenerator()


def invitation_lifetime_text() -> str:
    """"3天（72小时）": how long a link lasts, as the e-mail and the page say it."""
    hours = settings.INVITATION_TIMEOUT // 3600
    return f"{hours // 24}天（{hours}小时）" if hours % 24 == 0 else f"{hours}小时"


def invitation_expires_at() -> datetime.datetime:
    return timezone.localtime() + datetime.timedelta(seconds=settings.INVITATION_TIMEOUT)
