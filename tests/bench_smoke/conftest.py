"""The placement fixtures (demo registries, demo units) serve the load test's page tests too."""

from tests.placement.conftest import registry, sh_agent, sh_unit  # noqa: F401
