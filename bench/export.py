"""Download benchmark: what building a customer's data download (P12) costs.

Prints, for a customer with 1,000 orders (two lines and a confirmation mail each) and
10,000 access-record entries about them, the wall time of `data_export_build` and the
SQL queries it makes, beside the same for a customer with 100 orders and 1,000
entries: the query count must not grow with the rows. Also the ZIP's size and the
peak memory Python allocates while building (a separate, traced run).
Runs on a fresh SQLite file by default; with --postgres on a PostgreSQL database of
its own (DATABASE_URL if set, else the local cluster's fejzo_bench_export, recreated).
Run with ``make bench-export``. Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path; the checkout root takes its place, so
# that the apps import as they do in the shop.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from bench.common import (  # noqa: E402
    RESULTS_DIR,
    Database,
    django_setup,
    fail,
    migrate,
    postgres_database,
    report_head,
    report_write,
    say,
    sqlite_database,
    without_password,
)

BENCH_DB = "fejzo_bench_export"
WALL_AIM_S = 2.0
LINES_PER_ORDER = 2
BATCH = 500

CASES = [
    {"label": "small", "orders": 100, "entries": 1_000},
    {"label": "large", "orders": 1_000, "entries": 10_000},
]


# --------------------------------------------------------------------------- data


def create_products() -> list[Any]:
    # The models load only after django_setup() in main().
    from catalog.models import Brand, Category, Product

    category = Category.objects.create(slug="bench", name_sq="Prova", name_en="Bench")
    brand = Brand.objects.create(name="Bench", slug="bench")
    return [
        Product.objects.create(
            sku=f"3VF-BEN-{number:05d}",
            slug=f"bench-{number}",
            category=category,
            brand=brand,
            name_sq=f"Televizor prove {number}",
            name_en=f"Bench television {number}",
            description_sq="Përshkrim.",
            description_en="Description.",
            specifications=[],
            price=49_990,
            stock=1_000_000,
            image="catalog/img/placeholder.svg",
        )
        for number in range(LINES_PER_ORDER)
    ]


def create_customer(label: str, *, orders: int, entries: int, products: list[Any]) -> Any:
    """A customer with `orders` orders and `entries` access entries, inserted in bulk.

    The first order is placed through order_place, so its confirmation mail is a real
    one; the others copy its mail and delivery details (each value sealed on its own).
    """
    # The apps load only after django_setup() in main().
    from accounts.models import Address, User
    from mail.models import OutboxMessage
    from orders.models import Order, OrderLine, PaymentMethod
    from orders.services import Delivery, order_place
    from privacy.audit import Access, access_record_many
    from privacy.models import AccessAction, AccessBasis

    user = User.objects.create_user(
        f"{label}.bench@example.al",
        "bench-only-password-0123",
        first_name="Arta",
        last_name="Hoxha",
        phone="+355692104317",
        email_verified_at=timezone.now(),
    )
    Address.objects.create(
        user=user, municipality="tirane", street="Rr. Myslym Shyri, Nr. 42", is_default=True
    )
    first = order_place(
        customer=user,
        quantities={product.pk: 1 for product in products},
        delivery=Delivery(
            name="Arta Hoxha",
            phone_e164="+355692104317",
            municipality="tirane",
            street="Rr. Myslym Shyri, Nr. 42",
            notes="Telefononi 10 minuta para se të vini",
        ),
        payment_method=PaymentMethod.CASH_ON_DELIVERY,
        language="sq",
        actor=user,
    )
    mail = OutboxMessage.objects.get(recipient=user)
    now = timezone.now()
    with transaction.atomic():
        for start in range(1, orders, BATCH):
            numbers = range(start, min(start + BATCH, orders))
            placed = Order.objects.bulk_create(
                Order(
                    number=f"3VF-{label[:2].upper()}-{number:06d}",
                    customer=user,
                    payment_method=first.payment_method,
                    delivery_name=first.delivery_name,
                    delivery_phone=first.delivery_phone,
                    delivery_municipality=first.delivery_municipality,
                    delivery_street=first.delivery_street,
                    delivery_notes=first.delivery_notes,
                    total=first.total,
                    placed_at=now,
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
                for order in placed
                for product in products
            )
            OutboxMessage.objects.bulk_create(
                OutboxMessage(
                    kind=mail.kind,
                    recipient=user,
                    to_address=mail.to_address,
                    subject=mail.subject,
                    body_text=mail.body_text,
                    body_html=mail.body_html,
                    language=mail.language,
                    next_attempt_at=now,
                    created_at=now,
                )
                for _order in placed
            )
        access_record_many(
            Access(
                actor=None,
                actor_label="sales",
                subject_id=user.pk,
                action=AccessAction.REVEAL,
                fields=["accounts.User.phone", "orders.Order.delivery_phone"],
                basis=AccessBasis.ORDER,
                reference=first.number,
            )
            for _ in range(entries)
        )
    return user


# --------------------------------------------------------------------------- measure


def build_once(user: Any, *, traced: bool = False) -> dict[str, Any]:
    # The apps load only after django_setup() in main().
    from rights.export import data_export_build
    from rights.models import DataExport

    export = DataExport.objects.create(user=user, language="sq", requested_at=timezone.now())
    if traced:
        tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        built = data_export_build(export_id=export.pk)
        wall = time.perf_counter() - started
    peak = 0
    if traced:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert built is not None and built.status == "ready", built
    return {"wall_s": wall, "queries": len(queries), "zip_bytes": built.size, "peak_bytes": peak}


def measure(case: dict[str, Any], *, products: list[Any], repeats: int) -> dict[str, Any]:
    # The models load only after django_setup() in main().
    from mail.models import OutboxMessage
    from orders.models import OrderLine

    say(f"{case['label']}: {case['orders']:,} orders, {case['entries']:,} access entries")
    started = time.perf_counter()
    user = create_customer(
        case["label"], orders=case["orders"], entries=case["entries"], products=products
    )
    say(f"  created in {time.perf_counter() - started:.1f} s; building {repeats} times")
    runs = [build_once(user) for _ in range(repeats)]
    traced = build_once(user, traced=True)
    walls = [run["wall_s"] for run in runs]
    return {
        **case,
        "lines": OrderLine.objects.filter(order__customer=user).count(),
        "mails": OutboxMessage.objects.filter(recipient=user).count(),
        "wall_s": walls,
        "wall_median_s": statistics.median(walls),
        "queries": sorted({run["queries"] for run in runs}),
        "zip_bytes": runs[-1]["zip_bytes"],
        "peak_traced_bytes": traced["peak_bytes"],
    }


def print_table(results: list[dict[str, Any]], *, vendor: str) -> list[str]:
    print()
    print(f"data_export_build on {vendor} (median of the untraced runs; aim ≤ {WALL_AIM_S:.0f} s)")
    header = (
        f"{'case':<7}{'orders':>8}{'lines':>8}{'mails':>8}{'entries':>9}{'queries':>9}"
        f"{'wall s':>9}{'min s':>8}{'ZIP KiB':>9}{'peak MiB':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        queries = ",".join(str(q) for q in r["queries"])
        print(
            f"{r['label']:<7}{r['orders']:>8,}{r['lines']:>8,}{r['mails']:>8,}{r['entries']:>9,}"
            f"{queries:>9}{r['wall_median_s']:>9.2f}{min(r['wall_s']):>8.2f}"
            f"{r['zip_bytes'] / 1024:>9,.0f}{r['peak_traced_bytes'] / 2**20:>10.1f}"
        )
    print("-" * len(header))
    missed = []
    counts = {tuple(r["queries"]) for r in results}
    if len(counts) != 1 or len(next(iter(counts))) != 1:
        missed.append("queries")
        print("MISSES AIM: the query count differs between cases or runs.")
    else:
        print(f"queries: {next(iter(counts))[0]} in every case and run (constant)")
    large = results[-1]
    verdict = "ok" if large["wall_median_s"] <= WALL_AIM_S else "MISSES AIM"
    if verdict != "ok":
        missed.append("wall")
    print(f"wall time, {large['label']} case: {large['wall_median_s']:.2f} s  {verdict}")
    print("peak MiB: Python allocations during one build (tracemalloc; slower, not timed)")
    return missed


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--postgres",
        action="store_true",
        help=f"PostgreSQL: DATABASE_URL, or the local cluster's {BENCH_DB} (recreated)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="timed builds per case (3)")
    parser.add_argument(
        "--output", type=Path, help="JSON results file (bench/results/export-<database>.json)"
    )
    return parser.parse_args(argv)


def database(args: argparse.Namespace, directory: Path) -> Database:
    """Return the database to fill: ours to drop afterwards unless DATABASE_URL named it."""
    if not args.postgres:
        return sqlite_database(directory / "export.sqlite3")
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return postgres_database(BENCH_DB, keep_db=False)
    if not url.startswith("postgres"):
        fail("with --postgres, DATABASE_URL must name a PostgreSQL database")
    return Database(url=url, vendor="postgresql", drop=lambda: None, shown=without_password(url))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="fejzo-bench-export-") as temporary:
        directory = Path(temporary)
        filled = database(args, directory)
        django_setup(filled.url, environ={"DATA_EXPORT_DIR": str(directory / "exports")})
        vendor = connection.vendor
        try:
            say(f"{vendor}: migrating a fresh database")
            migrate()
            products = create_products()
            results = [measure(case, products=products, repeats=args.repeats) for case in CASES]
        finally:
            connections.close_all()
            filled.drop()
    missed = print_table(results, vendor=vendor)
    report = {
        **report_head(load_before, os.getloadavg()),
        "database": vendor,
        "aims": {"wall_s_max": WALL_AIM_S, "queries": "constant"},
        "missed": missed,
        "cases": results,
    }
    report_write(args.output or RESULTS_DIR / f"export-{vendor}.json", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
