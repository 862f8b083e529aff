"""docker-compose.yml describes production; no Docker engine runs here, so we parse it."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_has_the_production_services_with_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DEBUG"] == "false" and env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
        assert "media:/data/media" in services[name]["volumes"]
    assert "media" in compose["volumes"]


def test_the_makefile_offers_the_two_commands_and_bench():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run:", "test:", "bench:"):
        assert f"\n{target}" in makefile


def test_ci_calls_make_test_with_postgres_and_redis():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "DATABASE_URL" in ci and "REDIS_URL" in ci
