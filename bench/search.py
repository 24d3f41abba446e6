"""Search benchmark: a query never made before against a cached one, 10,000 products.

Creates (or reuses) the PostgreSQL database fejzo_search (DATABASE_URL overrides),
migrates it, fills it with 10,000 products made from the demo catalogue (its
categories, brands and names, with model codes varied), indexes them, then times
GET /kerko/?q=… through Django's test client: each query once uncached (a query never
made before) and then again (the cached page). Prints p50/p90/p99 of both, their
ratio, and EXPLAIN ANALYZE of the search's main query. Not a pass/fail test.

    .venv/bin/python bench/search.py [--products 10000] [--queries 200]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]
os.environ.setdefault("DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/fejzo_search")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402
import psycopg  # noqa: E402


def _ensure_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _fill(count: int) -> None:
    from django.utils.text import slugify

    from catalog.models import Brand, Category, Product
    from demo.categories import CATEGORIES
    from demo.seed import demo_products
    from search.services import search_documents_rebuild

    if Product.objects.count() >= count:
        print(f"[search] {Product.objects.count()} products already there")
        return
    Product.objects.all().delete()
    by_slug: dict[str, Category] = {}
    for demo in CATEGORIES:
        by_slug[demo.slug], _ = Category.objects.update_or_create(
            slug=demo.slug,
            defaults={
                "parent": by_slug[demo.parent] if demo.parent else None,
                "name_sq": demo.name_sq,
                "name_en": demo.name_en,
            },
        )
    seeded = demo_products()
    brands = {
        name: Brand.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]
        for name in {item.demo.brand for item in seeded}
    }
    rng = random.Random(14)
    products = []
    for number in range(count):
        item = seeded[number % len(seeded)]
        round_ = number // len(seeded)
        suffix = f" V{round_}" if round_ else ""
        products.append(
            Product(
                sku=f"3VF-B{number:06d}",
                slug=f"{item.slug[:120]}-{number}",
                category=by_slug[item.demo.category],
                brand=brands[item.demo.brand],
                name_sq=item.demo.name_sq + suffix,
                name_en=item.demo.name_en + suffix,
                price=item.demo.price,
                stock=rng.randint(0, 30),
                popularity=rng.randint(0, 1000),
            )
        )
    Product.objects.bulk_create(products, batch_size=1000)
    started = time.perf_counter()
    search_documents_rebuild()
    print(f"[search] {count} products indexed in {time.perf_counter() - started:.1f} s")


def _queries(count: int) -> list[str]:
    brands = ["samsung", "lg", "sony", "bosch", "beko", "apple", "xiaomi", "philips", "dell"]
    words = [
        "televizor",
        "televizorë",
        "frigorifer",
        "lavatriçe",
        "laptop",
        "telefon",
        "kufje",
        "monitor",
        "kondicioner",
        "tablet",
        "celular",
        "kompjuter",
        "smart tv",
        "soundbar",
    ]
    extras = ["", "55", "65", "4k", "oled", "128", "256", "9 kg", "inverter", "pro", "ultra"]
    combos = sorted({f"{w} {b} {e}".strip() for w in words for b in brands for e in extras})
    random.Random(7).shuffle(combos)
    return combos[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    _ensure_database(os.environ["DATABASE_URL"])
    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from catalog.selectors import ProductSort, product_sort
    from search.query import parse
    from search.selectors import product_search

    call_command("migrate", verbosity=0)
    _fill(args.products)
    client = Client()
    client.get("/kerko/?q=warm+up")
    uncached: list[float] = []
    cached: list[float] = []
    for query in _queries(args.queries):
        url = f"/kerko/?q={query}"
        for timings in (uncached, cached):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
    for name, timings in (("never made before", uncached), ("cached", cached)):
        print(
            f"[search] {name:>17}: p50 {statistics.median(timings):6.1f} ms  "
            f"p90 {_percentile(timings, 0.9):6.1f} ms  p99 {_percentile(timings, 0.99):6.1f} ms"
        )
    ratio = statistics.median(uncached) / statistics.median(cached)
    print(f"[search] uncached / cached (p50): {ratio:.2f}×  over {len(uncached)} queries")
    for query in ("televizor samsung", "samsung"):
        products = product_sort(product_search(query=parse(query)), sort=ProductSort.RELEVANCE)
        sql, params = products[:24].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS off) {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
        print(f"[search] EXPLAIN ANALYZE, page one of {query!r}:")
        for line in plan:
            print("    " + line)


if __name__ == "__main__":
    main()
