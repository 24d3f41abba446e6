"""Load benchmark: storefront pages under gunicorn on PostgreSQL, loaded by wrk on loopback.

Each page is printed beside a bare Django view that reads one product row, as a
ratio of throughput measured in the same run. Run with ``make bench``; see
bench/README.md. Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path, and bench/privacy.py would then shadow
# the privacy app. The checkout root takes its place.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from bench.common import (  # noqa: E402
    HOST,
    RESULTS_DIR,
    SETTINGS,
    django_setup,
    ensure_local_postgres,
    fail,
    is_root,
    report_head,
    report_write,
    say,
)

BENCH_DB = "fejzo_bench"
THRESHOLD_PERCENT = 40.0
DRIFT_WARN_PERCENT = 15.0
BARE_PATH = "/_bench/bare/"
SEARCH_QUERY = "samsung"


# --------------------------------------------------------------------------- tools


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if not is_root():
        fail("wrk is not installed. Install it (Debian: `sudo apt-get install -y wrk`) and rerun.")
    say("wrk not found; installing it with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "wrk"], env=env).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=False)
    found = shutil.which("wrk")
    if not found:
        fail("could not install wrk with apt-get; install it by hand and rerun.")
    return found


def manage(*args: str, env: dict[str, str], quiet: bool = False) -> str:
    """Run a management command; with ``quiet`` return its output instead of showing it."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=quiet,
        text=True,
    )
    if result.returncode != 0:
        if quiet:
            print(result.stdout, result.stderr, sep="\n", file=sys.stderr)
        fail(f"manage.py {' '.join(args)} failed (exit {result.returncode}).")
    return result.stdout or ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------- targets


@dataclass
class Target:
    name: str
    path: str
    note: str = ""
    queries: int | None = None
    bytes: int | None = None
    sets_session_cookie: bool = False
    status: int | None = None


def pick_targets() -> list[Target]:
    """Choose real slugs from the benchmark database (Django is set up in this process)."""
    # The models load only after django_setup() in main().
    from catalog.models import Category, Product

    product = Product.objects.filter(is_active=True).order_by("-popularity", "id").first()
    if product is None:
        fail("the benchmark database has no active products; did seed_demo run?")
    counts = dict(
        Category.objects.annotate(
            n=Count("products", filter=Q(products__is_active=True))
        ).values_list("pk", "n")
    )
    categories = list(Category.objects.all())
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)

    def subtree_count(category: Category, seen: set[int]) -> int:
        if category.pk in seen:
            return 0
        seen.add(category.pk)
        below = sum(subtree_count(c, seen) for c in children.get(category.pk, []))
        return counts.get(category.pk, 0) + below

    roots = children.get(None, []) or categories
    category = max(roots, key=lambda c: subtree_count(c, set()))
    matches = Product.objects.filter(
        Q(name_sq__icontains=SEARCH_QUERY) | Q(brand__name__icontains=SEARCH_QUERY),
        is_active=True,
    ).count()
    return [
        Target("home", "/"),
        Target("listing", "/produkte/"),
        Target(
            "category",
            f"/kategoria/{category.slug}/",
            f"{subtree_count(category, set())} products in subtree",
        ),
        Target("search", f"/kerko/?q={SEARCH_QUERY}", f"~{matches} matches"),
        Target("product", f"/produkt/{product.slug}/", "most popular product"),
    ]


def inspect_targets(targets: list[Target]) -> None:
    """Count the queries and bytes of one warm request to each page, in process."""
    client = Client(HTTP_HOST=HOST)
    for target in targets:
        client.cookies.clear()
        client.get(target.path)  # warm: template loading, translations, content types
        client.cookies.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(target.path)
        target.queries = len(captured.captured_queries)
        target.bytes = len(response.content)
        target.status = response.status_code
        target.sets_session_cookie = "sessionid" in response.cookies
    connection.close()


def profile_targets(targets: list[Target], *, repeat: int = 200, top: int = 25) -> None:
    """Print where a page spends its time (cProfile, in process) and the queries it runs."""
    client = Client(HTTP_HOST=HOST)
    for target in targets:
        client.cookies.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(target.path)
        # Copy now: every request start clears the log the context reads from.
        queries = list(captured.captured_queries)
        client.cookies.clear()
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(repeat):
            client.get(target.path)
        profiler.disable()
        elapsed_ms = (time.perf_counter() - started) * 1000 / repeat
        print(f"\n=== {target.name} {target.path}: {elapsed_ms:.2f} ms/request in process")
        print(f"--- {len(queries)} queries:")
        for query in queries:
            print(f"  [{query['time']}s] {query['sql'][:300]}")
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(top)
        print(buffer.getvalue())
    connection.close()


# --------------------------------------------------------------------------- server


class Gunicorn:
    def __init__(self, *, env: dict[str, str], port: int, workers: int, log: Path) -> None:
        self.url = f"http://{HOST}:{port}"
        self.log = log
        self._log_file = log.open("w")
        executable = Path(sys.executable).with_name("gunicorn")
        command = [str(executable)] if executable.exists() else [sys.executable, "-m", "gunicorn"]
        self.process = subprocess.Popen(
            [
                *command,
                "config.wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
                "--error-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, path: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        fail(f"gunicorn did not answer {path} within {timeout:.0f}s; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self._log_file.close()


def warm_up(url: str, count: int) -> tuple[int, bool]:
    """GET ``url`` ``count`` times without cookies; return the last status and whether
    any answer tried to set a session cookie."""
    status = 0
    session_cookie = False
    for _ in range(count):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                response.read()
                status = response.status
                cookies = response.headers.get_all("Set-Cookie") or []
        except urllib.error.HTTPError as error:
            status = error.code
            cookies = error.headers.get_all("Set-Cookie") or []
        session_cookie = session_cookie or any(c.startswith("sessionid=") for c in cookies)
    return status, session_cookie


# --------------------------------------------------------------------------- wrk

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_LATENCY_RE = re.compile(r"^\s*(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int = 0
    socket_errors: str = ""
    raw: str = field(default="", repr=False)


def parse_wrk(output: str) -> WrkResult:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    latencies = {
        m.group(1): float(m.group(2)) * _UNIT_MS[m.group(3)] for m in _LATENCY_RE.finditer(output)
    }
    if rps is None or "50" not in latencies or "99" not in latencies:
        raise ValueError(f"could not parse wrk output:\n{output}")
    non_ok = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:\s*(.+)", output)
    return WrkResult(
        rps=float(rps.group(1)),
        p50_ms=latencies["50"],
        p99_ms=latencies["99"],
        requests=int(total.group(1)) if total else 0,
        non_2xx_3xx=int(non_ok.group(1)) if non_ok else 0,
        socket_errors=errors.group(1).strip() if errors else "",
        raw=output,
    )


def run_wrk(wrk: str, url: str, *, threads: int, connections: int, duration: int) -> WrkResult:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    if result.returncode != 0:
        fail(f"wrk failed on {url}: {result.stderr.strip() or result.stdout.strip()}")
    return parse_wrk(result.stdout)


def measure_target(
    wrk: str, base_url: str, target: Target, *, label: str, args: argparse.Namespace
) -> dict[str, Any]:
    say(f"wrk {args.duration}s  {label:<12} {target.path}")
    result = run_wrk(
        wrk,
        base_url + target.path,
        threads=args.threads,
        connections=args.connections,
        duration=args.duration,
    )
    row = {**asdict(target), "name": label, **asdict(result)}
    row.pop("raw")
    return row


def unmeasured(target: Target) -> dict[str, Any]:
    return {
        **asdict(target),
        "rps": 0.0,
        "p50_ms": 0.0,
        "p99_ms": 0.0,
        "flag": f"HTTP {target.status}",
    }


# --------------------------------------------------------------------------- report


def print_table(rows: list[dict[str, Any]], bare_mean: float, *, baseline: str) -> None:
    header = (
        f"{'page':<13}{'path':<44}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'% bare':>8}{'queries':>9}{'KiB':>7}  flag"
    )
    print()
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = row.get("ratio_percent")
        ratio_text = f"{ratio:.0f}" if ratio is not None else "-"
        queries = row.get("queries")
        size = row.get("bytes")
        print(
            f"{row['name']:<13}{row['path'][:43]:<44}{row['rps']:>8.0f}{row['p50_ms']:>9.2f}"
            f"{row['p99_ms']:>9.2f}{ratio_text:>8}"
            f"{queries if queries is not None else '-':>9}"
            f"{(size / 1024) if size else 0:>7.1f}  {row.get('flag', '')}"
        )
    print("-" * len(header))
    print(
        f"bare mean {bare_mean:.0f} req/s. '% bare' of a page: its req/s over {baseline}; "
        f"under {THRESHOLD_PERCENT:.0f} % is flagged. Bare rows: % of the bare mean."
    )


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--warmup", type=int, default=30, help="warm-up requests per URL (30)")
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help=f"reuse the local {BENCH_DB} database (migrate, seed only if empty)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated page names to run (home,listing,category,search,product)",
    )
    parser.add_argument(
        "--interleave",
        action="store_true",
        help="also measure the bare view between pages; each page is then compared with "
        "the bare runs on either side of it (steadier on a busy machine)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after the run, print each page's queries and a cProfile summary (in process)",
    )
    parser.add_argument(
        "--settings",
        default=SETTINGS,
        help=f"Django settings module for every step ({SETTINGS}); to try a change, make one "
        "that imports it and adjusts",
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS_DIR / "latest.json", help="JSON results file"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.duration < 1 or args.duration > 600:
        fail("--duration must be between 1 and 600 seconds")
    wrk = ensure_wrk()

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DJANGO_SETTINGS_MODULE"] = args.settings
    env["PYTHONUNBUFFERED"] = "1"
    external_db = bool(os.environ.get("DATABASE_URL"))
    if external_db:
        database_url = os.environ["DATABASE_URL"]
        if not database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
            fail("DATABASE_URL must name a PostgreSQL database")
        say("using DATABASE_URL from the environment (not recreated)")
    else:
        database_url = ensure_local_postgres(keep_db=args.keep_db, name=BENCH_DB)
    env["DATABASE_URL"] = database_url

    say("migrating")
    manage("migrate", "--noinput", "-v0", env=env)
    say("seeding demo data")
    output = manage(
        "seed_demo",
        *(["--if-empty"] if external_db or args.keep_db else []),
        env=env,
        quiet=True,
    )
    say(output.strip().splitlines()[0] if output.strip() else "seed_demo printed nothing")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    static_root = Path(tempfile.mkdtemp(prefix="fejzo-bench-static-"))
    env["BENCH_STATIC_ROOT"] = str(static_root)
    say("collecting static files (manifest storage, as in production)")
    manage("collectstatic", "--noinput", "-v0", env=env)

    django_setup(database_url, settings_module=args.settings, environ=env)
    targets = pick_targets()
    if args.only:
        wanted = {name.strip() for name in args.only.split(",") if name.strip()}
        targets = [t for t in targets if t.name in wanted]
    inspect_targets(targets)

    load_before = os.getloadavg()
    if load_before[0] > 0.5 * (os.cpu_count() or 1):
        say(f"warning: load average is {load_before[0]:.2f} before starting; figures will be noisy")
    server: Gunicorn | None = None
    rows: list[dict[str, Any]] = []
    try:
        server = Gunicorn(
            env=env, port=free_port(), workers=args.workers, log=RESULTS_DIR / "gunicorn.log"
        )
        say(f"gunicorn ({args.workers} sync workers) starting on {server.url}")
        server.wait_ready(BARE_PATH)
        bare = Target("bare", BARE_PATH, "one product row, plain text")
        for target in [bare, *targets]:
            status, cookie = warm_up(server.url + target.path, args.warmup)
            target.status = status
            target.sets_session_cookie = target.sets_session_cookie or cookie
            if status != 200:
                say(f"warning: {target.path} answers {status}; it is reported, not measured")

        def measure(target: Target, label: str) -> dict[str, Any]:
            return measure_target(wrk, url, target, label=label, args=args)

        url = server.url
        bare_rows = [measure(bare, "bare before")]
        page_rows = []
        for index, target in enumerate(targets):
            if target.status != 200:
                page_rows.append(unmeasured(target))
                continue
            page_rows.append(measure(target, target.name))
            if args.interleave and index < len(targets) - 1:
                bare_rows.append(measure(bare, "bare"))
            page_rows[-1]["_bare_index"] = len(bare_rows) - 1
        bare_rows.append(measure(bare, "bare after"))
    finally:
        if server is not None:
            server.stop()
            say("gunicorn stopped")
        shutil.rmtree(static_root, ignore_errors=True)

    bare_before, bare_after = bare_rows[0], bare_rows[-1]
    bare_mean = statistics.mean(row["rps"] for row in bare_rows)
    for row in page_rows:
        index = row.pop("_bare_index", None)
        if index is None:
            row["ratio_percent"] = row["baseline_rps"] = None
            continue
        # The baseline is the bare runs on either side of this page (with --interleave),
        # otherwise the mean of the bare runs before and after all the pages.
        neighbours = [bare_rows[index], bare_rows[index + 1]] if args.interleave else bare_rows
        row["baseline_rps"] = statistics.mean(r["rps"] for r in neighbours)
        row["ratio_percent"] = 100.0 * row["rps"] / row["baseline_rps"]
        flags = []
        if row["ratio_percent"] < THRESHOLD_PERCENT:
            flags.append(f"UNDER {THRESHOLD_PERCENT:.0f}%")
        if row.get("non_2xx_3xx"):
            flags.append(f"{row['non_2xx_3xx']} non-2xx")
        if row.get("socket_errors"):
            flags.append("socket errors")
        if row.get("sets_session_cookie"):
            flags.append("sets session cookie")
        row["flag"] = ", ".join(flags)
    for row in bare_rows:
        row["ratio_percent"] = 100.0 * row["rps"] / bare_mean if bare_mean else None
        row["flag"] = "non-2xx" if row.get("non_2xx_3xx") else ""
    if args.interleave:
        rows = [bare_rows[0]]
        for page, after in zip(page_rows, [*bare_rows[1:-1], None], strict=True):
            rows.append(page)
            if after is not None:
                rows.append(after)
        rows.append(bare_rows[-1])
    else:
        rows = [bare_before, *page_rows, bare_after]
    print_table(
        rows,
        bare_mean,
        baseline="the bare runs just before and after it"
        if args.interleave
        else "the mean of the bare runs before and after all pages",
    )
    drift = 100.0 * (bare_after["rps"] - bare_before["rps"]) / bare_before["rps"]
    load_after = os.getloadavg()
    print(
        f"bare drift between before and after: {drift:+.1f} %; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (the latter includes this run; "
        f"{os.cpu_count()} CPUs)"
    )
    if abs(drift) > DRIFT_WARN_PERCENT:
        print(
            f"warning: the bare view moved more than {DRIFT_WARN_PERCENT:.0f} % during the run; "
            "something else was using the machine. Rerun on a quiet machine before trusting "
            "the ratios."
        )

    report = {
        **report_head(load_before, load_after),
        "settings": args.settings,
        "wrk": {
            "threads": args.threads,
            "connections": args.connections,
            "duration_s": args.duration,
        },
        "gunicorn": {"workers": args.workers, "worker_class": "sync"},
        "threshold_percent": THRESHOLD_PERCENT,
        "interleave": args.interleave,
        "bare": {
            "before": bare_before,
            "after": bare_after,
            "runs": bare_rows,
            "mean_rps": bare_mean,
            "drift_percent": drift,
        },
        "pages": page_rows,
    }
    report_write(args.output, report)

    if args.profile:
        profile_targets(targets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
