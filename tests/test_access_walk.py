"""Walks every URL pattern with every role (checklist A1, A2, A4): a page the role may never use
is a 403, an object outside the user's scope is a 404, anonymous users go to the login page.
Every view must declare who may use it; a new route without arguments in tests/world.py fails."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import login
from tests.world import PERSONAS, URL_KWARGS, build_world

SKIP_PREFIXES = (settings.ADMIN_PATH,)


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith(SKIP_PREFIXES):
                continue
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}{p.name}" if p.name else None), prefix + str(p.pattern), p.callback


ROUTES = list(walk(get_resolver().url_patterns))


def policy(callback):
    """('public', None) or ('roles', set), read from the view's declaration."""
    for obj in (callback, getattr(callback, "view_class", None), getattr(callback, "cls", None)):
        if obj is None:
            continue
        if getattr(obj, "public", False):
            return "public", None
        roles = getattr(obj, "allowed_roles", None)
        if roles:
            return "roles", set(roles)
    return None, None


def test_every_route_is_named_and_declares_who_may_use_it():
    problems = []
    for name, route, callback in ROUTES:
        if name is None:
            problems.append(f"unnamed route {route}")
        elif policy(callback)[0] is None:
            problems.append(f"{name} ({route}) declares neither roles nor public")
    assert not problems, "\n".join(problems)


def test_every_route_with_arguments_has_walk_arguments():
    missing = [name for name, route, _ in ROUTES if "<" in route and name not in URL_KWARGS]
    assert not missing, f"add these to tests/world.py URL_KWARGS: {missing}"


def _client(world, persona):
    user = world.users[persona]
    return login(Client(), user) if user else Client()


class _NoWrites:
    """The route accepts no state-changing method at all (every one is 405)."""

    status_code = None


def _write(client, url):
    """A state-changing request: POST, or PATCH / DELETE where the route has no POST (API details)."""
    response = client.post(url)
    for method in ("patch", "delete"):
        if response.status_code != 405:
            return response
        response = getattr(client, method)(url, content_type="application/json")
    return response if response.status_code != 405 else _NoWrites()


def _is_login_redirect(response):
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("name,route,callback", ROUTES, ids=[r[0] or r[1] for r in ROUTES])
def test_route_access_for_every_persona(name, route, callback):
    world = build_world()
    kind, roles = policy(callback)
    spec = URL_KWARGS.get(name, {})
    default_own_url = reverse(name, kwargs=spec["own"](world.own)) if "own" in spec else reverse(name)
    foreign_url = reverse(name, kwargs=spec["foreign"](world.foreign)) if "foreign" in spec else None
    is_api = route.startswith("api/")
    failures = []

    for persona in PERSONAS:
        client = _client(world, persona)
        own_url = default_own_url
        if persona in spec.get("own_for", {}):  # some roles work with other objects (a union admin: rosters)
            own_url = reverse(name, kwargs=spec["own_for"][persona](world.own))
        get = client.get(own_url)
        if get.status_code >= 500:
            failures.append(f"{persona}: GET {own_url} → {get.status_code}")
            continue
        if kind == "public":
            if get.status_code in (401, 403):
                failures.append(f"{persona}: public {own_url} → {get.status_code}")
            continue
        if persona == "anonymous":
            ok = get.status_code in (401, 403) if is_api else (_is_login_redirect(get) or get.status_code == 405)
            post = _write(client, own_url)
            ok = ok and (post.status_code in (401, 403, None) if is_api else _is_login_redirect(post))
            if not ok:
                failures.append(f"anonymous: {own_url} → GET {get.status_code}, POST {post.status_code}")
            continue
        allowed = persona in roles
        if not allowed:
            post = _write(client, foreign_url or own_url)
            if get.status_code not in (403, 405) or post.status_code not in (403, None):
                failures.append(f"{persona} (not allowed): GET {get.status_code}, POST {post.status_code}, want 403")
            continue
        if get.status_code in (401, 403, 404):
            failures.append(f"{persona} (allowed): GET {own_url} → {get.status_code}")
        if foreign_url and persona != "system_admin":
            fget, fpost = client.get(foreign_url), _write(client, foreign_url)
            if fget.status_code not in (404, 405) or fpost.status_code not in (404, None):
                failures.append(
                    f"{persona}: foreign {foreign_url} → GET {fget.status_code}, POST {fpost.status_code}, want 404"
                )
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_the_django_admin_is_for_administrators_only():
    world = build_world()
    url = reverse("admin:index")
    assert url != "/admin/"
    for persona in PERSONAS:
        response = _client(world, persona).get(url)
        if persona == "system_admin":
            assert response.status_code == 200
        else:
            assert response.status_code == 302 and "login" in response["Location"], persona
