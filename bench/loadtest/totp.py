"""The demo authenticator's code for a staff account, without Django settings (the locust processes
do not load them): django-otp's RFC 6238 over portal.demo.totp_key_for's key. tests/bench_smoke
checks it against the portal's own devices."""

import time

from django_otp.oath import TOTP


def totp(username: str, at: float | None = None) -> str:
    generator = TOTP((username.encode() * 20)[:20])  # the key portal.demo.totp_key_for gives (hex) to devices
    generator.time = time.time() if at is None else at
    return f"{generator.token():06d}"
