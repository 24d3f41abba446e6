"""Orders per second from 1, 4, 16 and 32 processes, each customer buying its own product.

Each process is a customer of its own calling `orders.services.order_place` in a loop on
PostgreSQL, as the checkout does, for a fixed time. What a process contends on with the
others is what the shop makes every order share: before issue 17 the one catalogue
revision row and the one head of the access record; after it, nothing but the database.
Printed: orders/s per number of processes, beside the figures saved before the change
(bench/results/orders-before.json, written with --save-before on the earlier commit);
then the last pieces of one product raced by every process (no overselling), and the
access record verified. Run with ``make bench-load`` (after the locust scenario) or
``.venv/bin/python bench/orders.py``; figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path, and bench/privacy.py would then shadow
# the privacy app. The checkout root takes its place.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from bench.common import (  # noqa: E402
    RESULTS_DIR,
    django_setup,
    migrate,
    person,
    postgres_database,
    report_head,
    report_write,
    say,
)

BENCH_DB = "fejzo_bench_orders"
# Kept in the repository (bench/results/ is not): the figures of the code before issue 17.
BEFORE_FILE = ROOT / "bench" / "orders-before.json"
STOCK = 1_000_000
RACE_PIECES = 5


def _fill(customers: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from catalog.models import Brand, Category, Product

    category = Category.objects.create(slug="bench", name_sq="Prova", name_en="Bench")
    brand = Brand.objects.create(name="Bench", slug="bench")
    Product.objects.bulk_create(
        Product(
            sku=f"3VF-ORD-{index:05d}",
            slug=f"bench-order-{index}",
            category=category,
            brand=brand,
            name_sq=f"Televizor prove {index}",
            name_en=f"Bench TV {index}",
            description_sq="Përshkrim.",
            description_en="Description.",
            specifications=[],
            price=49_000,
            stock=STOCK,
            image="catalog/img/placeholder.svg",
        )
        for index in range(customers + 1)
    )
    unusable, now = make_password(None), timezone.now()
    for index in range(customers):
        User.objects.create(password=unusable, email_verified_at=now, **person(index))


def _place(customer: Any, product_id: int) -> bool:
    from orders.models import PaymentMethod
    from orders.services import Delivery, OrderError, order_place

    try:
        order_place(
            customer=customer,
            quantities={product_id: 1},
            delivery=Delivery(
                name=f"{customer.first_name} {customer.last_name}",
                phone_e164=customer.phone,
                municipality="tirane",
                street="Rr. Myslym Shyri, Nr. 12",
                notes="",
            ),
            payment_method=PaymentMethod.CASH_ON_DELIVERY,
            language="sq",
            actor=customer,
        )
    except OrderError:
        return False
    return True


def _customer_loop(
    database_url: str,
    index: int,
    product_sku: str,
    ready: Any,
    start: Any,
    deadline: Any,
    out: Any,
) -> None:
    """One customer's process: warm up, wait for the start, order until the deadline."""
    django_setup(database_url)
    from accounts.models import User
    from catalog.models import Product

    customer = User.objects.order_by("pk")[index]
    product_id = Product.objects.get(sku=product_sku).pk
    _place(customer, product_id)  # connection, imports and caches, outside the clock
    ready.put(index)
    start.wait()
    placed = refused = 0
    while time.time() < deadline.value:
        if _place(customer, product_id):
            placed += 1
        else:
            refused += 1
    out.put((placed, refused))


def _run(database_url: str, processes: int, seconds: float, skus: list[str]) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    ready, start, out = context.Queue(), context.Event(), context.Queue()
    deadline = context.Value("d", 0.0)
    workers = [
        context.Process(
            target=_customer_loop,
            args=(database_url, index, skus[index], ready, start, deadline, out),
        )
        for index in range(processes)
    ]
    for worker in workers:
        worker.start()
    # The clock starts for all at once, when every process has started Django and placed
    # its warm-up order.
    for _ in workers:
        ready.get()
    deadline.value = time.time() + seconds
    began = time.perf_counter()
    start.set()
    results = [out.get() for _ in workers]
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join()
    placed = sum(result[0] for result in results)
    return {
        "processes": processes,
        "orders": placed,
        "refused": sum(result[1] for result in results),
        "seconds": round(elapsed, 2),
        "orders_per_second": round(placed / elapsed, 1),
    }


def _race(database_url: str, processes: int, sku: str) -> dict[str, Any]:
    """Every process tries to buy the last pieces of one product at once."""
    from catalog.models import Product

    Product.objects.filter(sku=sku).update(stock=RACE_PIECES)
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    out = context.Queue()
    workers = [
        context.Process(target=_race_buyer, args=(database_url, index, sku, start, out))
        for index in range(processes)
    ]
    for worker in workers:
        worker.start()
    time.sleep(3.0 + processes * 0.15)
    start.set()
    bought = sum(out.get() for _ in workers)
    for worker in workers:
        worker.join()
    left = Product.objects.get(sku=sku).stock
    return {"buyers": processes, "pieces": RACE_PIECES, "bought": bought, "left": left}


def _race_buyer(database_url: str, index: int, sku: str, start: Any, out: Any) -> None:
    django_setup(database_url)
    from accounts.models import User
    from catalog.models import Product

    customer = User.objects.order_by("pk")[index]
    product_id = Product.objects.get(sku=sku).pk
    start.wait()
    bought = 0
    for _ in range(3):
        bought += _place(customer, product_id)
    out.put(bought)


def _stock_consistent() -> tuple[int, int]:
    """Return (products whose stock + pieces sold != what they started with, products)."""
    from django.db.models import Sum

    from catalog.models import Product
    from orders.models import OrderLine

    sold = dict(
        OrderLine.objects.values_list("product_id").annotate(pieces=Sum("quantity")).order_by()
    )
    products = list(Product.objects.exclude(stock=RACE_PIECES).exclude(stock__lt=RACE_PIECES))
    wrong = sum(1 for product in products if product.stock + sold.get(product.pk, 0) != STOCK)
    return wrong, len(products)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", default="1,4,16,32")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--quick", action="store_true", help="1, 4 and 16 processes, 3 s each")
    parser.add_argument(
        "--save-before",
        action="store_true",
        help=f"save the figures as the 'before' column ({BEFORE_FILE.name})",
    )
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.processes, args.seconds = "1,4,16", 3.0
    counts = [int(count) for count in args.processes.split(",")]

    load_before = os.getloadavg()
    database = postgres_database(
        BENCH_DB, keep_db=False, server_url=os.environ.get("DATABASE_URL", "")
    )
    django_setup(database.url)
    from catalog.models import Product
    from privacy.audit import audit_verify

    try:
        migrate()
        customers = max(counts)
        _fill(customers)
        skus = list(Product.objects.order_by("pk").values_list("sku", flat=True))
        say(f"{customers} customers, each with a product of its own; {database.shown}")
        runs = []
        for processes in counts:
            run = _run(database.url, processes, args.seconds, skus)
            say(
                f"{processes:>2} processes: {run['orders']} orders in {run['seconds']} s = "
                f"{run['orders_per_second']} orders/s"
            )
            runs.append(run)
        race = _race(database.url, min(customers, 16), skus[-1])
        wrong, checked = _stock_consistent()
        chain = audit_verify()
    finally:
        from django.db import connections

        connections.close_all()
        database.drop()

    before = json.loads(BEFORE_FILE.read_text()) if BEFORE_FILE.exists() else None
    before_by_count = {
        run["processes"]: run["orders_per_second"] for run in (before or {}).get("runs", [])
    }
    print()
    print(
        f"Orders per second on PostgreSQL ({args.seconds:g} s per run, "
        f"each process its own customer and product)"
    )
    print(f"{'processes':>10}  {'before':>10}  {'now':>10}  {'now/before':>10}")
    for run in runs:
        was = before_by_count.get(run["processes"])
        ratio = f"{run['orders_per_second'] / was:.2f}x" if was else "-"
        was_text = f"{was:.1f}" if was else "-"
        now = run["orders_per_second"]
        print(f"{run['processes']:>10}  {was_text:>10}  {now:>10.1f}  {ratio:>10}")
    if before:
        revision, when = before.get("git_revision", "?"), before.get("generated_at", "?")
        print(f"(before: {revision}, measured {when})")
    sold_right = race["bought"] == race["pieces"] and race["left"] == 0
    print()
    print(
        f"Oversold: {race['buyers']} processes raced for the last {race['pieces']} pieces: "
        f"{race['bought']} bought, {race['left']} left "
        f"({'no overselling' if sold_right else 'OVERSOLD'})"
    )
    print(f"Stock + pieces sold = stock at the start: {checked - wrong} of {checked} products")
    print(
        f"Access record: {'intact' if chain.intact else 'BROKEN: ' + chain.problem}, "
        f"{chain.checked} entries"
    )
    report = {
        **report_head(load_before, os.getloadavg()),
        "seconds": args.seconds,
        "runs": runs,
        "race": race,
        "stock_wrong": wrong,
        "chain_intact": chain.intact,
    }
    report_write(RESULTS_DIR / "orders.json", report)
    if args.save_before:
        report_write(BEFORE_FILE, report)
        say(f"saved as the 'before' figures: {BEFORE_FILE}")


if __name__ == "__main__":
    main()
