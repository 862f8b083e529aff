"""Production settings plus the benchmarks' empty page (the load test's floor), nothing else."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
