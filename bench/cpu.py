"""CPU per request, in process: each storefront page beside the bare view.

    DATABASE_URL=postgres://… .venv/bin/python bench/cpu.py [--repeat 300] [--only home,cart]

The database must already hold the catalogue (run `bench/load.py` on it once). Each page
is requested through Django's test client, as each kind of visitor (see bench/load.py),
and timed with the process's own CPU clock (time.process_time), so other work on the
machine changes the figures far less than it changes wall-clock ones. PostgreSQL's own
CPU is not counted; the queries column says what each page asks of it. The test
client's own cost is in every figure, the bare view's too.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from bench.common import django_setup  # noqa: E402
from bench.load import (  # noqa: E402
    BARE_PATH,
    FIRST,
    HOST,
    SHOPPER,
    Target,
    manage,
    pick_targets,
    shopper_client,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300, help="requests per page and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the best is kept")
    parser.add_argument("--only", default="", help="pages to measure (home,listing,…)")
    parser.add_argument("--visitors", default=f"{FIRST},{SHOPPER}")
    parser.add_argument(
        "--profile", default="", help="page:visitor to profile instead (e.g. home:first)"
    )
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        print("set DATABASE_URL to a benchmark database", file=sys.stderr)
        return 2
    static_root = Path(tempfile.mkdtemp(prefix="fejzo-cpu-")) / "static"
    env = {**os.environ, "BENCH_STATIC_ROOT": str(static_root)}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    manage("collectstatic", "--noinput", "-v0", env=env)
    django_setup(database_url, environ={"BENCH_STATIC_ROOT": str(static_root)})

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    wanted = {name for name in args.only.split(",") if name}
    pages = [t for t in pick_targets() if not wanted or t.name in wanted]
    clients = {FIRST: Client(HTTP_HOST=HOST), SHOPPER: shopper_client()}
    kept = dict(clients[SHOPPER].cookies.items())
    rows = [(Target("bare", BARE_PATH), FIRST)]
    rows += [(page, visitor) for visitor in args.visitors.split(",") for page in pages]

    def one(path: str, visitor: str) -> int:
        client = clients[visitor]
        if visitor == FIRST:
            client.cookies.clear()
        else:
            for key, morsel in kept.items():
                client.cookies[key] = morsel.value
        return client.get(path).status_code

    results: dict[tuple[str, str], float] = {}
    queries: dict[tuple[str, str], int] = {}
    for target, visitor in rows:
        for _ in range(20):
            one(target.path, visitor)
        with CaptureQueriesContext(connection) as captured:
            status = one(target.path, visitor)
        queries[(target.name, visitor)] = len(captured.captured_queries)
        if status != 200:
            print(f"warning: {target.path} answered {status}", file=sys.stderr)
    if args.profile:
        name, visitor = args.profile.split(":")
        [target] = [t for t, _v in rows if t.name == name][:1]
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.repeat):
            one(target.path, visitor)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        return 0
    for _ in range(args.rounds):
        for target, visitor in rows:
            started = time.process_time()
            for _ in range(args.repeat):
                one(target.path, visitor)
            spent = (time.process_time() - started) * 1000 / args.repeat
            key = (target.name, visitor)
            results[key] = min(results.get(key, spent), spent)
    bare = results[("bare", FIRST)]
    print(f"{'page':10} {'visitor':8} {'CPU ms':>7} {'x bare':>7} {'queries':>7}")
    for (name, visitor), spent in results.items():
        print(
            f"{name:10} {visitor:8} {spent:7.2f} {spent / bare:7.2f} {queries[(name, visitor)]:7d}"
        )
    print(f"median of pages: {statistics.median(results.values()):.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
