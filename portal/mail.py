"""E-mail that copies what the portal already shows (an alert on a console, a notice): sent when
there is someone to send it to, and never the reason the work that prompted it fails."""

import logging

from django.conf import settings
from django.core.mail import send_mail

log = logging.getLogger(__name__)


def mail_copy(subject: str, body: str, recipients) -> bool:
    """Send `body` to `recipients` (blanks and repeats dropped). Nobody to tell: nothing is sent. A
    mail server that fails is logged, not raised: the page holds the same message. True once sent."""
    to = sorted(set(recipients) - {""})
    if not to:
        log.warning("no recipient for e-mail: %s", subject)
        return False
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    except Exception:  # a mail outage must not fail or roll back the work
        log.exception("e-mail failed: %s", subject)
        return False
    return True
