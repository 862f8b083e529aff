"""Where a page's server time goes (issue 20): queries and a profile of one page, served in-process
with the load test's production settings on the database `make loadtest` left behind.

    .venv/bin/python -m bench.loadtest.profile agent-sh@demo.cn / [/placement/ …] [--repeat 50] [--top 25]

For each path it prints the median time over the repeats (and under the profiler), the number of queries (with the
repeated ones counted), and the functions that took the most cumulative time. `--explain` adds each query's
planning and execution time in PostgreSQL, with the plan of any query slower than half a millisecond."""

import argparse
import collections
import contextlib
import cProfile
import os
import pstats
import statistics
import sys
import time

from bench.loadtest.__main__ import environment


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("username")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="cumulative or tottime")
    parser.add_argument("--queries", action="store_true", help="print every query of one request")
    parser.add_argument("--explain", action="store_true",
                        help="each query's planning and execution time (EXPLAIN ANALYZE), and the plan of the slow ones")
    args = parser.parse_args()

    os.environ.update(environment())
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.models import User
    from tests.conftest import login

    user = User.objects.get(username=args.username)
    # signed in as the tests sign in (staff past their second factor)
    client = login(Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT_LANGUAGE="zh-hans"), user)
    for path in args.paths:
        for _ in range(3):  # warm: templates compiled, connections open
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        queries = captured.captured_queries
        repeated = collections.Counter(q["sql"] for q in queries)
        plain, split = [], collections.Counter()
        for _ in range(args.repeat):
            started = time.perf_counter()
            with _timed(split):
                client.get(path)
            plain.append((time.perf_counter() - started) * 1000)
        times = []
        profiler = cProfile.Profile()
        for _ in range(args.repeat):
            started = time.perf_counter()
            profiler.enable()
            client.get(path)
            profiler.disable()
            times.append((time.perf_counter() - started) * 1000)
        print(f"\n=== {path}: median {statistics.median(plain):.1f} ms ({statistics.median(times):.1f} profiled), "
              f"{len(queries)} queries, "
              f"{sum(n - 1 for n in repeated.values())} repeats; per request "
              + ", ".join(f"{k} {v / args.repeat:.1f} ms" for k, v in split.items()))
        if args.queries:
            for q in queries:
                print(f"  {q['time']}  {q['sql'][:300]}")
        if args.explain:
            _explain(connection, queries)
        pstats.Stats(profiler, stream=sys.stdout).sort_stats(args.sort).print_stats(args.top)
    return 0


SLOW_MS = 0.5  # a query whose execution takes longer gets its plan printed


def _explain(connection, queries) -> None:
    """What PostgreSQL did with each SELECT of the request: a join that reads a whole table to keep
    a few rows (issue 20 found two) shows here long before it shows in a page's time."""
    for q in queries:
        if not q["sql"].lstrip("(").startswith("SELECT"):  # a UNION's parts come parenthesised
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + q["sql"])
            plan = cursor.fetchone()[0][0]
            slow = plan["Execution Time"] > SLOW_MS
            print(f"  plan {plan['Planning Time']:5.2f} ms  exec {plan['Execution Time']:5.2f} ms  "
                  f"{'SLOW ' if slow else ''}{q['sql'][:200]}")
            if slow:
                cursor.execute("EXPLAIN ANALYZE " + q["sql"])
                print("\n".join("      " + row[0] for row in cursor.fetchall()))


@contextlib.contextmanager
def _timed(split: collections.Counter):
    """Add the time spent rendering templates (outermost render only) and waiting on the database
    to `split`, in ms."""
    from django.db import connection
    from django.template.backends.django import Template

    render, depth = Template.render, [0]

    def timed_render(self, *a, **kw):
        depth[0] += 1
        started = time.perf_counter()
        try:
            return render(self, *a, **kw)
        finally:
            depth[0] -= 1
            if not depth[0]:
                split["templates"] += (time.perf_counter() - started) * 1000

    def timed_sql(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            split["sql"] += (time.perf_counter() - started) * 1000

    Template.render = timed_render
    try:
        with connection.execute_wrapper(timed_sql):
            yield
    finally:
        Template.render = render


if __name__ == "__main__":
    sys.exit(main())
