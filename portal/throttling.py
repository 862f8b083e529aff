"""A small per-address rate limit for public pages (the receipt verification page): guessing
codes must be slow."""

from functools import wraps

from django.core.cache import cache
from django.shortcuts import render

from portal.middleware import client_ip


def throttle(*, key: str, limit: int, seconds: int):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            bucket = f"throttle:{key}:{client_ip(request)}"
            cache.add(bucket, 0, timeout=seconds)
            try:
                count = cache.incr(bucket)
            except ValueError:  # expired between add and incr
                cache.set(bucket, 1, timeout=seconds)
                count = 1
            if count > limit:
                return render(request, "errors/429.html", {"seconds": seconds}, status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
