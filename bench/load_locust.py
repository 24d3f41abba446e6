"""The storefront under a crowd: the locust scenario (bench/locustfile.py) against gunicorn
on PostgreSQL, with a worker delivering mail to a local SMTP sink, all on loopback.

Prints, per step, requests, failures, p50/p95/p99 ms and req/s, and the total errors
(the aim is 0). Run with ``make bench-load``; see bench/README.md. Also the rig the fault
runs (bench/faults.py) build on: `SmtpSink`, `Stack`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path, and bench/privacy.py would then shadow
# the privacy app. The checkout root takes its place.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from bench.common import (  # noqa: E402
    HOST,
    RESULTS_DIR,
    SETTINGS,
    Database,
    SmtpSinkSession,
    django_setup,
    fail,
    postgres_database,
    report_head,
    report_write,
    say,
)
from bench.load import Gunicorn, free_port, manage  # noqa: E402

LOCUST_DB = "fejzo_bench_locust"
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
STOCK = 1_000_000  # every product: nobody is refused for want of stock
FULL = {"users": 64, "duration": 120}
QUICK = {"users": 16, "duration": 20}
# The locust CSV's own name for the row that sums every step.
AGGREGATED = "Aggregated"
TRACEBACK = re.compile(r"^Traceback \(most recent call last\)", re.MULTILINE)


# --------------------------------------------------------------------------- the SMTP sink


class SinkSession(SmtpSinkSession):
    """Each message is written whole to the sink's folder, once per recipient as
    `<address>--<uuid>.eml` (renamed into place, so a reader never sees half a file),
    and a line with its Message-ID and recipients is added to `received.jsonl`: what
    arrived, counted by the fault runs."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def message(self, recipients: list[bytes], body: bytes) -> None:
        addresses = [address.strip(b"<>").decode() for address in recipients]
        # A line of the message that began with "." was sent with another in front of it.
        raw = re.sub(rb"(?m)^\.\.", b".", body)
        head = raw.split(b"\r\n\r\n", 1)[0]
        found = re.search(rb"(?im)^Message-ID:\s*(<[^>\r\n]+>)", head)
        message_id = found.group(1).decode() if found else ""
        for address in addresses:
            name = f"{address}--{uuid.uuid4().hex}.eml"
            partial = self.folder / f".{name}"
            partial.write_bytes(raw)
            partial.rename(self.folder / name)
        with (self.folder / "received.jsonl").open("a") as log:
            record = {"message_id": message_id, "to": addresses, "at": time.time()}
            log.write(json.dumps(record) + "\n")


def sink_serve(folder: Path, port: int) -> None:
    """The sink's process: serve on `port` until SIGTERM."""

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SinkSession(folder), HOST, port)
        stopped: asyncio.Future[None] = loop.create_future()

        def stop() -> None:
            if not stopped.done():
                stopped.set_result(None)

        loop.add_signal_handler(signal.SIGTERM, stop)
        (folder / "ready").touch()
        await stopped
        server.close()

    asyncio.run(serve())


class SmtpSink:
    """The sink in a process of its own, on a fixed port: `stop()` and `start()` again
    take SMTP down and bring it back (a refused connection, as a dead relay gives)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:{self.port}?timeout=10"

    def start(self) -> None:
        (self.folder / "ready").unlink(missing_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, __file__, "--smtp-sink", str(self.folder), "--port", str(self.port)],
            cwd=ROOT,
        )
        deadline = time.monotonic() + 20
        while not (self.folder / "ready").exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                fail("the SMTP sink did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def received(self) -> list[dict[str, Any]]:
        """Return every message that arrived: Message-ID, recipients, when."""
        path = self.folder / "received.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# --------------------------------------------------------------------------- the stack


def worker_command() -> list[str]:
    return [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.2",
        "-v",
        "0",
    ]


@dataclass
class Stack:
    """PostgreSQL, gunicorn, `db_worker` processes and the SMTP sink, on loopback."""

    database_url: str
    work_dir: Path
    settings: str = SETTINGS
    gunicorn_workers: int = 4
    extra_env: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(init=False)
    sink: SmtpSink = field(init=False)
    server: Gunicorn | None = field(init=False, default=None)
    workers: list[subprocess.Popen[bytes]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.sink = SmtpSink(self.work_dir / "mail")
        self.env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        self.env.update(
            DJANGO_SETTINGS_MODULE=self.settings,
            DATABASE_URL=self.database_url,
            PYTHONUNBUFFERED="1",
            PYTHONPATH=str(ROOT),
            # config.settings.bench and config.settings.rig read these.
            BENCH_EMAIL_URL=self.sink.url,
            EMAIL_URL=self.sink.url,
            MEDIA_ROOT=str(self.work_dir / "media"),
            BENCH_STATIC_ROOT=str(self.work_dir / "static"),
            STATIC_ROOT=str(self.work_dir / "static"),
            LOG_LEVEL="WARNING",
        )
        self.env.update(self.extra_env)

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def prepare(self) -> None:
        """Migrate, seed the demo catalogue, collect static files, fill every product's stock."""
        say("migrating")
        manage("migrate", "--noinput", "-v0", env=self.env)
        say("seeding demo data")
        output = manage("seed_demo", env=self.env, quiet=True)
        say(output.strip().splitlines()[0] if output.strip() else "seed_demo printed nothing")
        if self.settings == SETTINGS:
            say("collecting static files (manifest storage, as in production)")
            manage("collectstatic", "--noinput", "-v0", env=self.env)
        django_setup(self.database_url, settings_module=self.settings, environ=self.env)
        # The models load only after django_setup().
        from catalog.models import Product

        Product.objects.filter(is_active=True).update(stock=STOCK)

    def start(self, *, workers: int = 1) -> None:
        self.sink.start()
        for _ in range(workers):
            self.worker_start()
        self.server = Gunicorn(
            env=self.env,
            port=free_port(),
            workers=self.gunicorn_workers,
            log=self.work_dir / "gunicorn.log",
        )
        say(f"gunicorn ({self.gunicorn_workers} sync workers) starting on {self.server.url}")
        self.warm_up()

    def warm_up(self, timeout: float = 120.0) -> None:
        """Wait until every gunicorn worker has served the home page once: a process's
        first page takes seconds (templates, the page cache), and would count in the run."""
        assert self.server is not None
        deadline = time.monotonic() + timeout
        while True:
            if self.server.process.poll() is not None:
                fail(f"gunicorn exited with {self.server.process.returncode}; see its log")
            try:
                with ThreadPoolExecutor(self.gunicorn_workers * 2) as pool:
                    statuses = list(
                        pool.map(
                            lambda _: page_status(self.url + "/"), range(self.gunicorn_workers * 4)
                        )
                    )
                if all(status == 200 for status in statuses):
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                fail(f"gunicorn did not serve / within {timeout:.0f} s")
            time.sleep(0.5)

    def worker_start(self) -> subprocess.Popen[bytes]:
        log = (self.work_dir / "worker.log").open("ab")
        worker = subprocess.Popen(  # noqa: S603 - fixed arguments
            worker_command(),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.workers.append(worker)
        return worker

    def workers_stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.terminate()
        for worker in self.workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self.workers.clear()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        self.workers_stop()
        self.sink.stop()

    def tracebacks(self) -> int:
        """How many tracebacks gunicorn logged: each is an error the shop caused."""
        path = self.work_dir / "gunicorn.log"
        return len(TRACEBACK.findall(path.read_text(errors="replace"))) if path.exists() else 0


def page_status(url: str, *, timeout: float = 60.0) -> int:
    """GET `url` without cookies; return the status (an error status too)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def load_data(path: Path) -> dict[str, Any]:
    """Write what the shoppers pick from (Django is set up): products on sale, categories
    with products, search words from the catalogue's names."""
    from catalog.models import Category, Product

    products = list(
        Product.objects.filter(is_active=True, stock__gt=0).values_list("slug", flat=True)
    )
    categories = list(
        Category.objects.filter(products__is_active=True).distinct().values_list("slug", flat=True)
    )
    words: set[str] = set()
    for name in Product.objects.filter(is_active=True).values_list("name_sq", flat=True):
        words.update(w.lower() for w in re.findall(r"[^\W\d_]{3,}", name))
    data = {"products": products, "categories": categories, "words": sorted(words)}
    path.write_text(json.dumps(data))
    return data


# --------------------------------------------------------------------------- locust


def locust_run(
    *, stack: Stack, users: int, spawn_rate: int, duration: int, csv_prefix: Path, data: Path
) -> int:
    """Run the scenario headless against the stack; return locust's exit code."""
    executable = Path(sys.executable).with_name("locust")
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "locust"]
    env = {
        **os.environ,
        "FEJZO_LOAD_DATA": str(data),
        # bench.html_forms, imported by the locustfile.
        "PYTHONPATH": str(ROOT),
        "FEJZO_LOAD_MAILDIR": str(stack.sink.folder),
    }
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [
            *command,
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn_rate),
            "--run-time",
            f"{duration}s",
            "--stop-timeout",
            "30",
            "--host",
            stack.url,
            "--csv",
            str(csv_prefix),
            "--json-file",
            str(csv_prefix),  # locust adds ".json"
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
    )
    return result.returncode


@dataclass
class Step:
    name: str
    kind: str
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float
    rps: float


def percentile(buckets: dict[str, int], share: float) -> float:
    """Return the response time (ms) under which `share` of the requests fell, from
    locust's histogram (rounded times and their counts)."""
    total = sum(buckets.values())
    if not total:
        return 0.0
    seen = 0
    for time_ms, count in sorted((float(t), c) for t, c in buckets.items()):
        seen += count
        if seen >= share * total:
            return time_ms
    return max(float(t) for t in buckets)


def steps_read(path: Path, *, seconds: float) -> list[Step]:
    """Read locust's final statistics (--json-file); add the row that sums them all."""
    entries = json.loads(path.read_text())
    steps: list[Step] = []
    everything: dict[str, int] = {}
    for entry in sorted(entries, key=lambda e: (e["name"], e["method"])):
        buckets = {str(t): int(c) for t, c in entry["response_times"].items()}
        for t, c in buckets.items():
            everything[t] = everything.get(t, 0) + c
        steps.append(step_of(entry["name"], entry["method"], buckets, entry, seconds))
    total = {
        "num_requests": sum(e["num_requests"] for e in entries),
        "num_failures": sum(e["num_failures"] for e in entries),
    }
    steps.append(step_of(AGGREGATED, "", everything, total, seconds))
    return steps


def step_of(
    name: str, kind: str, buckets: dict[str, int], entry: dict[str, Any], seconds: float
) -> Step:
    return Step(
        name=name,
        kind=kind,
        requests=int(entry["num_requests"]),
        failures=int(entry["num_failures"]),
        p50=percentile(buckets, 0.50),
        p95=percentile(buckets, 0.95),
        p99=percentile(buckets, 0.99),
        rps=int(entry["num_requests"]) / seconds if seconds else 0.0,
    )


def failures_read(csv_prefix: Path) -> list[dict[str, str]]:
    path = Path(f"{csv_prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="") as failures:
        return list(csv.DictReader(failures))


def table_print(steps: list[Step]) -> None:
    header = (
        f"{'step':<28}{'type':>6}{'requests':>10}{'failures':>10}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>9}"
    )
    print()
    print(header)
    print("-" * len(header))
    for step in steps:
        if step.name == AGGREGATED:
            print("-" * len(header))
        print(
            f"{step.name:<28}{step.kind:>6}{step.requests:>10,}{step.failures:>10,}"
            f"{step.p50:>9.0f}{step.p95:>9.0f}{step.p99:>9.0f}{step.rps:>9.1f}"
        )
    print("-" * len(header))


def shares(steps: list[Step]) -> dict[str, float]:
    """The share of requests of each kind of visit, from the step names."""
    groups = {"browsing": 0, "search": 0, "cart": 0, "registration and checkout": 0}
    for step in steps:
        if step.name == AGGREGATED or step.kind == "MAIL":
            continue
        if step.name in ("home", "category", "product"):
            groups["browsing"] += step.requests
        elif step.name == "search":
            groups["search"] += step.requests
        elif step.name.startswith("cart:"):
            groups["cart"] += step.requests
        else:
            groups["registration and checkout"] += step.requests
    total = sum(groups.values()) or 1
    return {name: 100 * count / total for name, count in groups.items()}


def orders_count() -> int:
    from orders.models import Order

    return Order.objects.count()


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, help="locust users (64; --quick 16)")
    parser.add_argument("--duration", type=int, help="seconds of load (120; --quick 20)")
    parser.add_argument("--spawn-rate", type=int, default=16, help="users started per second")
    parser.add_argument("--quick", action="store_true", help="16 users for 20 s")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    parser.add_argument("--keep-db", action="store_true", help=f"leave {LOCUST_DB} afterwards")
    parser.add_argument(
        "--output", type=Path, default=RESULTS_DIR / "locust.json", help="JSON results file"
    )
    parser.add_argument("--smtp-sink", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


@contextlib.contextmanager
def work_directory(prefix: str) -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.smtp_sink:
        sink_serve(args.smtp_sink, args.port)
        return 0
    if args.users < 1 or args.duration < 1:
        fail("--users and --duration must be at least 1")
    server_url = os.environ.get("DATABASE_URL", "")
    if server_url and not server_url.startswith(("postgres://", "postgresql://")):
        fail("DATABASE_URL must name a PostgreSQL server (its database is not written to)")
    database: Database = postgres_database(LOCUST_DB, keep_db=args.keep_db, server_url=server_url)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    with work_directory("fejzo-locust-") as work_dir:
        stack = Stack(database.url, work_dir, gunicorn_workers=args.workers)
        try:
            stack.prepare()
            data_path = work_dir / "data.json"
            data = load_data(data_path)
            say(
                f"{len(data['products'])} products, {len(data['categories'])} categories, "
                f"{len(data['words'])} search words"
            )
            orders_before = orders_count()
            stack.start(workers=1)
            say(f"locust: {args.users} users, {args.duration} s, against {stack.url}")
            csv_prefix = work_dir / "locust"
            started = time.monotonic()
            code = locust_run(
                stack=stack,
                users=args.users,
                spawn_rate=args.spawn_rate,
                duration=args.duration,
                csv_prefix=csv_prefix,
                data=data_path,
            )
            elapsed = time.monotonic() - started
            if not csv_prefix.with_suffix(".json").exists():
                fail(f"locust wrote no statistics (exit code {code}); see its output above")
            steps = steps_read(csv_prefix.with_suffix(".json"), seconds=args.duration)
            failures = failures_read(csv_prefix)
            tracebacks = stack.tracebacks()
            orders_placed = orders_count() - orders_before
        finally:
            stack.stop()
            for name in ("gunicorn.log", "worker.log"):
                if (work_dir / name).exists():
                    shutil.copy(work_dir / name, RESULTS_DIR / f"locust-{name}")
            database.drop()
    load_after = os.getloadavg()

    table_print(steps)
    total = next((s for s in steps if s.name == AGGREGATED), None)
    errors = total.failures if total else 0
    share = shares(steps)
    print(
        "requests by kind: " + ", ".join(f"{name} {value:.0f} %" for name, value in share.items())
    )
    print(f"orders placed: {orders_placed}; server tracebacks: {tracebacks}")
    for failure in failures:
        print(f"  failure: {failure['Occurrences']}× {failure['Name']}: {failure['Error']}")
    verdict = "ok" if errors == 0 and tracebacks == 0 else "MISSES AIM"
    print(f"total errors: {errors} (aim 0) {verdict}")
    print(
        f"run time {elapsed:.0f} s; load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after ({os.cpu_count()} CPUs); locust exit code {code}."
    )
    report = report_head(load_before, load_after)
    report.update(
        users=args.users,
        duration_s=args.duration,
        gunicorn={"workers": args.workers, "worker_class": "sync"},
        steps=[step.__dict__ for step in steps],
        shares_percent=share,
        failures=failures,
        tracebacks=tracebacks,
        orders_placed=orders_placed,
        errors=errors,
    )
    report_write(args.output, report)
    return 0 if errors == 0 and tracebacks == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
