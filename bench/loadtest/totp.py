"""The demo authenticator's code for a staff account, without Django (the locust processes do not
load it): RFC 6238 over portal.demo.totp_key_for's key. tests/bench_smoke checks it against django-otp."""

import hashlib
import hmac
import struct
import time


def totp(username: str, at: float | None = None) -> str:
    key = (username.encode() * 20)[:20]
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"
