"""Benchmark settings: the test settings (fast hashing, temporary media) in a database of their own."""

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES, VAR_DIR

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "bench.sqlite3")}
else:
    # bench_<database>: engineers sharing one PostgreSQL server each benchmark in their own database
    DATABASES["default"]["TEST"] = {"NAME": f"bench_{DATABASES['default']['NAME']}"}
