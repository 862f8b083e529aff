"""The placement fixtures (demo registries, demo units, add_person) serve the console's tests too."""

from tests.placement.conftest import ln_unit, registry, related_units, sh_agent, sh_unit  # noqa: F401
