"""Benchmark settings: the test settings (fast hashing, temporary media) in a database of their own."""

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES, VAR_DIR

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "bench.sqlite3")}
else:
    # bench_<database>: engineers running the benchmarks on one server with their own DATABASE_URL
    # never share a benchmark database (the default database `portal` still gives bench_portal)
    DATABASES["default"]["TEST"] = {"NAME": f"bench_{DATABASES['default']['NAME']}"}
