"""Contractor API benchmark (P10): the list of a day's 50 jobs under gunicorn on PostgreSQL.

A carrier company has 10,000 jobs in its history (bulk-created, closed on earlier days)
and 50 open today. Its key asks `GET /api/kontraktoret/v1/jobs` (the 50 jobs with their
allowed fields, each read recorded on the access record) while wrk loads it, beside the
bare view in the same run, as bench/load.py measures the storefront. Printed: req/s,
p50/p99, the share of the bare view (aim >= 40 %), the queries of one request, what the
recording costs in process, and that every request's 50 reads were recorded. Run with
``make bench-api``; figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path, and bench/privacy.py would then shadow
# the privacy app. The checkout root takes its place.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from bench.common import (  # noqa: E402
    HOST,
    RESULTS_DIR,
    SETTINGS,
    chunks,
    django_setup,
    fail,
    migrate,
    person,
    postgres_database,
    report_head,
    report_write,
    say,
)
from bench.load import BARE_PATH, Gunicorn, ensure_wrk, free_port, run_wrk, warm_up  # noqa: E402

BENCH_DB = "fejzo_bench_api"
API_PATH = "/api/kontraktoret/v1/jobs"
AIM_PERCENT = 40.0
PAGE = 50
BATCH = 1000


# --------------------------------------------------------------------------- data


def fill(*, history: int, today: int, customers: int) -> str:
    """Make the carrier, its agreement, person and key, and its jobs; return the key.

    Orders and jobs are bulk-created (each encrypted value sealed by its field's
    pre_save); the jobs of earlier days are closed, today's are open.
    """
    # The apps load only after django_setup() in main().
    from accounts.models import User
    from catalog.models import Brand, Category, Product
    from contractor_api.services import api_token_issue
    from contractors.models import (
        Agreement,
        ContractorCompany,
        ContractorFunction,
        ContractorPerson,
        Job,
        JobStatus,
    )
    from orders.models import Order, OrderLine, OrderStatus, PaymentMethod

    category = Category.objects.create(slug="bench", name_sq="Prova", name_en="Bench")
    brand = Brand.objects.create(name="Bench", slug="bench")
    product = Product.objects.create(
        sku="3VF-BEN-00001",
        slug="bench-1",
        category=category,
        brand=brand,
        name_sq="Frigorifer prove",
        name_en="Bench fridge",
        description_sq="Përshkrim.",
        description_en="Description.",
        specifications=[],
        price=89_000,
        stock=1_000_000,
        image="catalog/img/placeholder.svg",
    )
    delivery = ContractorFunction.objects.get(slug="delivery")
    company = ContractorCompany.objects.create(name="Transporti Bench", tax_number="L00000001B")
    local_today = timezone.localdate()
    Agreement.objects.create(
        company=company,
        signed_on=local_today - timedelta(days=400),
        ends_on=local_today + timedelta(days=365),
    )
    unusable = make_password(None)  # nobody signs in: the key reads, not the people
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(password=unusable, **person(index)) for index in range(customers + 1)
        )
    courier = ContractorPerson.objects.create(user=users[-1], company=company)
    courier.functions.add(delivery)
    people = users[:-1]

    total = history + today
    start_of_today = timezone.make_aware(datetime.combine(local_today, day_time.min))
    now = timezone.now()
    for numbers in chunks(range(total), BATCH):
        with transaction.atomic():
            orders = Order.objects.bulk_create(
                Order(
                    number=f"3VF-API-{number:06d}",
                    customer=people[number % len(people)],
                    status=OrderStatus.OUT_FOR_DELIVERY
                    if number >= history
                    else OrderStatus.DELIVERED,
                    payment_method=PaymentMethod.CASH_ON_DELIVERY,
                    delivery_name="Arta Hoxha",
                    delivery_phone=person(number)["phone"],
                    delivery_municipality="tirane",
                    delivery_street=f"Rr. Myslym Shyri, Nr. {number % 200 + 1}",
                    delivery_notes="Telefononi 10 minuta para se të vini",
                    total=89_000,
                    placed_at=now - timedelta(days=1 + (history - number) // 50)
                    if number < history
                    else now,
                )
                for number in numbers
            )
            OrderLine.objects.bulk_create(
                OrderLine(
                    order=order,
                    product=product,
                    sku=product.sku,
                    product_name=product.name_sq,
                    unit_price=product.price,
                    quantity=1,
                )
                for order in orders
            )
            jobs = []
            for number, order in zip(numbers, orders, strict=True):
                if number < history:
                    # 50 a day on the days before today, each closed at its window's end.
                    day = start_of_today - timedelta(days=1 + (history - 1 - number) // PAGE)
                    start = day + timedelta(hours=8, minutes=10 * (number % PAGE))
                    closed: dict[str, Any] = {"status": JobStatus.DONE, "closed_at": start}
                else:
                    start = start_of_today + timedelta(hours=8, minutes=10 * (number - history))
                    closed = {"status": JobStatus.OPEN, "closed_at": None}
                jobs.append(
                    Job(
                        company=company,
                        function=delivery,
                        order=order,
                        customer_id=order.customer_id,
                        window_start=start,
                        window_end=start + timedelta(hours=2),
                        created_at=start - timedelta(days=1),
                        **closed,
                    )
                )
            Job.objects.bulk_create(jobs)
    issued = api_token_issue(
        company=company, name="Sistemi i depos (bench)", functions=[delivery], actor=None
    )
    return issued.presented


# --------------------------------------------------------------------------- in process


def access_rows() -> int:
    from privacy.models import AccessEntry

    return AccessEntry.objects.count()


def inspect(presented: str, *, repeat: int) -> dict[str, Any]:
    """One warm request's queries and size; then `repeat` requests' time, and the recording's."""
    from contractors import access

    client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {presented}")
    response = client.get(API_PATH)
    if response.status_code != 200:
        fail(f"{API_PATH} answered {response.status_code}: {response.content[:300]!r}")
    before = access_rows()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(API_PATH)
    after = access_rows()
    page = response.json()
    if len(page["items"]) != PAGE:
        fail(f"the list gave {len(page['items'])} jobs, not {PAGE}")
    queries = [query["sql"] for query in captured.captured_queries]
    statements = [sql for sql in queries if sql not in ("BEGIN", "COMMIT")]

    recording: list[float] = []
    record = access.access_record_many

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return record(*args, **kwargs)
        finally:
            recording.append(time.perf_counter() - started)

    access.access_record_many = timed  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        for _ in range(repeat):
            client.get(API_PATH)
        elapsed = time.perf_counter() - started
    finally:
        access.access_record_many = record  # type: ignore[assignment]
    bare = Client(HTTP_HOST=HOST)
    bare.get(BARE_PATH)
    started = time.perf_counter()
    for _ in range(repeat):
        bare.get(BARE_PATH)
    bare_ms = 1000 * (time.perf_counter() - started) / repeat
    connection.close()
    request_ms = 1000 * elapsed / repeat
    recording_ms = 1000 * statistics.mean(recording)
    return {
        "queries": len(statements),
        "transaction_statements": len(queries) - len(statements),
        "query_sql": queries,
        "bytes": len(response.content),
        "jobs_listed": len(page["items"]),
        "jobs_matching": page["count"],
        "entries_per_request": after - before,
        "in_process_ms": request_ms,
        "recording_ms": recording_ms,
        "recording_share_percent": 100 * recording_ms / request_ms,
        "bare_in_process_ms": bare_ms,
        # The best share a list could reach if everything but its recording cost nothing.
        "ceiling_percent": 100 * bare_ms / (bare_ms + recording_ms),
    }


# --------------------------------------------------------------------------- load


def measure(
    wrk: str, url: str, *, script: str, args: argparse.Namespace, label: str
) -> dict[str, Any]:
    say(f"wrk {args.duration}s  {label:<12} {url.removeprefix('http://')}")
    result = run_wrk(
        wrk,
        url,
        threads=args.threads,
        connections=args.connections,
        duration=args.duration,
        script=script,
    )
    return {
        "name": label,
        "rps": result.rps,
        "p50_ms": result.p50_ms,
        "p99_ms": result.p99_ms,
        "requests": result.requests,
        "non_2xx_3xx": result.non_2xx_3xx,
        "socket_errors": result.socket_errors,
    }


def api_warm_up(url: str, presented: str, count: int) -> None:
    """Ask the list `count` times with the key, so both workers have loaded everything."""
    headers = {"Authorization": f"Bearer {presented}"}
    for _ in range(count):
        request = urllib.request.Request(url, headers=headers)  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            if response.status != 200:
                fail(f"{url} answered {response.status} while warming up")
            response.read()


def key_script(presented: str, directory: Path) -> Path:
    """Write the wrk script that sends the key on every request."""
    script = directory / "api-key.lua"
    script.write_text(f'wrk.headers["Authorization"] = "Bearer {presented}"\n')
    return script


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=10_000, help="closed jobs (10000)")
    parser.add_argument("--today", type=int, default=PAGE, help=f"open jobs today ({PAGE})")
    parser.add_argument("--customers", type=int, default=2_000, help="customers (2000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--warmup", type=int, default=30, help="warm-up requests per URL (30)")
    parser.add_argument("--repeat", type=int, default=200, help="in-process requests (200)")
    parser.add_argument("--keep-db", action="store_true", help=f"leave {BENCH_DB} afterwards")
    parser.add_argument(
        "--output", type=Path, default=RESULTS_DIR / "contractor_api.json", help="JSON results"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = ensure_wrk()
    database = postgres_database(
        BENCH_DB, keep_db=args.keep_db, server_url=os.environ.get("DATABASE_URL", "")
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE=SETTINGS, DATABASE_URL=database.url, PYTHONUNBUFFERED="1")
    work_dir = Path(tempfile.mkdtemp(prefix="fejzo-bench-api-"))
    server: Gunicorn | None = None
    try:
        django_setup(database.url, environ={"MEDIA_ROOT": str(work_dir / "media")})
        say(f"migrating {database.shown}")
        migrate()
        started = time.perf_counter()
        presented = fill(history=args.history, today=args.today, customers=args.customers)
        say(
            f"{args.history:,} closed jobs and {args.today} open today for one company, "
            f"{args.customers:,} customers: {time.perf_counter() - started:.1f} s (bulk_create)"
        )
        inspected = inspect(presented, repeat=args.repeat)
        say(
            f"one request: {inspected['queries']} queries (and "
            f"{inspected['transaction_statements']} BEGIN/COMMIT), "
            f"{inspected['bytes'] / 1024:.1f} KiB, "
            f"{inspected['entries_per_request']} access entries"
        )
        script = str(key_script(presented, work_dir))
        load_before = os.getloadavg()
        server = Gunicorn(
            env={**env, "MEDIA_ROOT": str(work_dir / "media")},
            port=free_port(),
            workers=args.workers,
            log=RESULTS_DIR / "gunicorn-api.log",
        )
        say(f"gunicorn ({args.workers} sync workers) starting on {server.url}")
        server.wait_ready(BARE_PATH)
        warm_up(server.url + BARE_PATH, args.warmup)
        api_url = server.url + API_PATH
        api_warm_up(api_url, presented, args.warmup)
        entries_before = access_rows()
        bare_before = measure(
            wrk, server.url + BARE_PATH, script="", args=args, label="bare before"
        )
        api = measure(wrk, api_url, script=script, args=args, label="api list")
        bare_after = measure(wrk, server.url + BARE_PATH, script="", args=args, label="bare after")
        entries_after = access_rows()
        load_after = os.getloadavg()
    finally:
        if server is not None:
            server.stop()
            say("gunicorn stopped")
        connection.close()

    from privacy.audit import audit_verify

    chain = audit_verify()
    connection.close()
    database.drop()

    bare_mean = statistics.mean([bare_before["rps"], bare_after["rps"]])
    share = 100 * api["rps"] / bare_mean
    recorded_requests = (entries_after - entries_before) / PAGE
    print()
    header = f"{'run':<14}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'% bare':>8}{'non-2xx':>9}"
    print(header)
    print("-" * len(header))
    for row in (bare_before, api, bare_after):
        print(
            f"{row['name']:<14}{row['rps']:>8.0f}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}"
            f"{100 * row['rps'] / bare_mean:>8.0f}{row['non_2xx_3xx']:>9}"
        )
    print("-" * len(header))
    met = share >= AIM_PERCENT
    print(
        f"api list: {share:.0f} % of the bare view (aim >= {AIM_PERCENT:.0f} %): "
        f"{'ok' if met else 'MISSES AIM'}; {inspected['queries']} queries a request; "
        f"{inspected['jobs_listed']} jobs of {inspected['jobs_matching']} today, "
        f"{args.history:,} in the history"
    )
    print(
        f"recording: {inspected['entries_per_request']} entries a request; in process "
        f"{inspected['in_process_ms']:.1f} ms a request, of which appending the entries "
        f"{inspected['recording_ms']:.1f} ms ({inspected['recording_share_percent']:.0f} %); "
        f"the bare view {inspected['bare_in_process_ms']:.2f} ms"
    )
    print(
        f"ceiling: a list whose only cost was its recording would reach "
        f"{inspected['ceiling_percent']:.0f} % of the bare view in process"
    )
    print(
        f"every read recorded: {entries_after - entries_before:,} entries during the api run "
        f"= {recorded_requests:,.0f} requests x {PAGE} (wrk counted {api['requests']:,} answers; "
        f"the server may finish a few more at the end); chain "
        f"{'intact' if chain.intact else 'BROKEN: ' + chain.problem} ({chain.checked:,} entries)"
    )
    report = {
        **report_head(load_before, load_after),
        "wrk": {
            "threads": args.threads,
            "connections": args.connections,
            "duration_s": args.duration,
        },
        "gunicorn": {"workers": args.workers, "worker_class": "sync"},
        "history_jobs": args.history,
        "open_today": args.today,
        "bare": {"before": bare_before, "after": bare_after, "mean_rps": bare_mean},
        "api": {**api, "share_of_bare_percent": share, "aim_percent": AIM_PERCENT, "met": met},
        "one_request": inspected,
        "recorded": {
            "entries": entries_after - entries_before,
            "requests": recorded_requests,
            "wrk_requests": api["requests"],
            "chain_intact": chain.intact,
            "chain_checked": chain.checked,
        },
    }
    report_write(args.output, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
