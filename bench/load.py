"""Load benchmark: storefront pages under gunicorn on PostgreSQL, loaded by wrk on loopback.

Each page is printed beside a bare Django view that reads one product row, as a
ratio of throughput measured in the same run, for two kinds of visitor: a first-time
visitor without cookies, and a shopper with a session and one item in the cart. A
search nobody made before is measured beside a cached one. Run with ``make bench``;
see bench/README.md. Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import cProfile
import http.cookiejar
import io
import os
import pstats
import random
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
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command, get_commands
from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image, ImageDraw

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
THRESHOLD_PERCENT = 50.0
# A search nobody made before may take at most this many times a cached one's time.
SEARCH_NEW_AIM = 2.0
DRIFT_WARN_PERCENT = 15.0
BARE_PATH = "/_bench/bare/"
SEARCH_PATH = "/kerko/"
SEARCH_QUERY = "samsung"
CART_PATH = "/shporta/"
CART_ADD_PATH = "/shporta/shto/"
FIRST = "first"
SHOPPER = "shopper"
VISITORS = {
    FIRST: "first-time visitor, no cookies",
    SHOPPER: "shopper with a session and one item in the cart",
}
# The never-made-before searches, measured first on processes that served no search yet.
SEARCH_NEW_COLD = "search-new-cold"
SEARCH_NEW_NAMES = {"search-new", SEARCH_NEW_COLD}
# Search terms for the never-made-before searches: words of the catalogue's own names.
_WORD_RE = re.compile(r"[^\W\d_]{3,}")


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
    visitor: str = FIRST
    # A wrk Lua script that makes each request's address (the never-made-before searches).
    script: str = ""
    queries: int | None = None
    bytes: int | None = None
    sets_session_cookie: bool = False
    status: int | None = None
    photos: bool | None = None


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
        Target("search", f"{SEARCH_PATH}?q={SEARCH_QUERY}", f"~{matches} matches, cached"),
        Target("product", f"/produkt/{product.slug}/", "most popular product"),
        Target("cart", CART_PATH, "the visitor's cart"),
    ]


def search_words(limit: int = 2000) -> list[str]:
    """Return distinct words of the catalogue's names and brands, for searches nobody made."""
    from catalog.models import Brand, Product

    words: set[str] = set()
    names = Product.objects.filter(is_active=True).values_list("name_sq", "name_en")
    for name_sq, name_en in names.iterator():
        words.update(w.lower() for w in _WORD_RE.findall(f"{name_sq} {name_en}"))
    words.update(
        w.lower()
        for name in Brand.objects.values_list("name", flat=True)
        for w in _WORD_RE.findall(name)
    )
    chosen = sorted(words)
    random.Random(14).shuffle(chosen)
    return chosen[:limit]


def search_new_script(words: list[str], directory: Path) -> Path:
    """Write the wrk script that asks, on every request, a two-word search of real words.

    Each wrk thread draws from its own random sequence; with the catalogue's vocabulary
    (hundreds of words) two draws repeat a pair seldom enough that nearly every search
    is one the server has not seen (the run prints how many distinct words it drew from).
    """
    quoted = ",".join(f'"{urllib.parse.quote(word)}"' for word in words)
    script = directory / "search-new.lua"
    script.write_text(
        f"""local words = {{{quoted}}}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0) * 7919)
end
function request()
  local first = words[math.random(#words)]
  local second = words[math.random(#words)]
  return wrk.format("GET", "{SEARCH_PATH}?q=" .. first .. "+" .. second)
end
"""
    )
    return script


def shopper_client() -> Client:
    """Return an in-process client with a session and one item in the cart."""
    from catalog.models import Product

    client = Client(HTTP_HOST=HOST)
    product = Product.objects.filter(is_active=True, stock__gt=1).order_by("-popularity").first()
    if product is None:
        fail("no product in stock to put in the shopper's cart")
    response = client.post(CART_ADD_PATH, {"product": product.pk, "quantity": 1, "next": "/"})
    if response.status_code != 302 or "sessionid" not in client.cookies:
        fail(f"adding to the cart answered {response.status_code} without a session")
    client.get(CART_PATH)  # shows and so clears the "added" message
    return client


def inspect_targets(targets: list[Target]) -> None:
    """Count the queries and bytes of one warm request to each page, in process."""
    clients = {FIRST: Client(HTTP_HOST=HOST), SHOPPER: shopper_client()}
    for target in targets:
        if target.script:
            continue
        client = clients[target.visitor]
        kept = dict(client.cookies.items())
        client.get(target.path)  # warm: template loading, translations, content types
        if target.visitor == FIRST:
            client.cookies.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(target.path)
        target.queries = len(captured.captured_queries)
        target.bytes = len(response.content)
        target.status = response.status_code
        target.sets_session_cookie = "sessionid" in response.cookies
        target.photos = photo_markup(response.content.decode(errors="replace"))
        client.cookies.clear()
        for key, morsel in kept.items():
            client.cookies[key] = morsel.value
    connection.close()


def photo_markup(html: str) -> bool:
    """Whether a page shows a product photo (an <img> from MEDIA_URL)."""
    if not settings.MEDIA_URL or not apps.all_models["catalog"].get("productphoto"):
        return False
    return f'src="{settings.MEDIA_URL}' in html or f'srcset="{settings.MEDIA_URL}' in html


def profile_targets(targets: list[Target], *, repeat: int = 200, top: int = 25) -> None:
    """Print where a page spends its time (cProfile, in process) and the queries it runs."""
    clients = {FIRST: Client(HTTP_HOST=HOST), SHOPPER: shopper_client()}
    for target in targets:
        if target.script:
            continue
        client = clients[target.visitor]
        kept = dict(client.cookies.items())

        def get(
            path: str, client: Client = client, target: Target = target, kept: Any = kept
        ) -> None:
            client.get(path)
            client.cookies.clear()
            if target.visitor == SHOPPER:
                for key, morsel in kept.items():
                    client.cookies[key] = morsel.value

        with CaptureQueriesContext(connection) as captured:
            get(target.path)
        # Copy now: every request start clears the log the context reads from.
        queries = list(captured.captured_queries)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(repeat):
            get(target.path)
        profiler.disable()
        elapsed_ms = (time.perf_counter() - started) * 1000 / repeat
        print(
            f"\n=== {target.name} ({target.visitor}) {target.path}: "
            f"{elapsed_ms:.2f} ms/request in process"
        )
        print(f"--- {len(queries)} queries:")
        for query in queries:
            print(f"  [{query['time']}s] {query['sql'][:300]}")
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(top)
        print(buffer.getvalue())
    connection.close()


# --------------------------------------------------------------------------- catalogue


def catalogue_grow(total: int) -> str:
    """Add copies of the demo products until ``total`` are on sale; return what was done.

    Each copy gets its own SKU, slug and a model suffix in its name, so searches and
    listings see a catalogue of that size; its photos, when the shop has them, are the
    original's rows pointing at the same files.
    """
    from catalog.models import Product
    from catalog.services import catalog_revision_bump

    have = Product.objects.filter(is_active=True).count()
    if have >= total:
        return f"{have} products on sale (at least {total})"
    originals = list(Product.objects.filter(is_active=True).order_by("pk"))
    suffixes = ["Pro", "Plus", "Max", "Lite", "Mini", "Ultra", "Neo", "Prime", "Air", "Edge"]
    copies: list[Product] = []
    for index in range(total - have):
        original = originals[index % len(originals)]
        round_ = index // len(originals) + 1
        suffix = f"{suffixes[round_ % len(suffixes)]} {round_}"
        copies.append(
            Product(
                sku=f"B{index:06d}-{original.sku}"[:32],
                slug=f"{original.slug}-b{index}"[:160],
                category_id=original.category_id,
                brand_id=original.brand_id,
                name_sq=f"{original.name_sq} {suffix}"[:200],
                name_en=f"{original.name_en} {suffix}"[:200],
                description_sq=original.description_sq,
                description_en=original.description_en,
                specifications=original.specifications,
                price=original.price + round_,
                stock=original.stock,
                image=original.image,
                popularity=max(original.popularity - round_, 0),
            )
        )
    Product.objects.bulk_create(copies, batch_size=1000)
    catalog_revision_bump()
    _search_index_refresh()
    return f"{len(copies)} copies added: {total} products on sale"


def _search_index_refresh() -> None:
    """Fill a stored search vector for rows bulk_create left empty, if the shop has one.

    bulk_create skips save() and its signals; a search app that stores a vector names
    a management command for this (checked by name, so the bench runs either way).
    """
    for command in ("search_reindex", "search_rebuild", "rebuild_search_index"):
        if command in get_commands():
            say(f"refreshing the search index (manage.py {command})")
            call_command(command)
            return


def photos_ensure(media_root: Path) -> str:
    """Give every product on sale a photo, if the shop has product photos; say what was done.

    One generated picture is stored through the shop's own storage and renditions; every
    product without a photo gets a row pointing at those files, so pages render their
    photo markup (srcset, width, height) as they would with real photos.
    """
    try:
        photo_model = apps.get_model("catalog", "ProductPhoto")
    except LookupError:
        return "the shop has no product photos yet (no catalog.ProductPhoto): measured without"
    from catalog.models import Product

    try:
        missing = list(
            Product.objects.filter(is_active=True, photos__isnull=True).values_list("pk", flat=True)
        )
    except DatabaseError as error:
        return f"product photos not measured: {error}"
    if not missing:
        return "every product on sale has a photo"
    first = _photo_make(photo_model, product_id=missing[0], media_root=media_root)
    if first is None:
        return "product photos not measured: could not make one"
    fields = {
        f.name: getattr(first, f.name)
        for f in photo_model._meta.concrete_fields
        if f.name not in ("id", "product", "created_at")
    }
    photo_model.objects.bulk_create(
        [photo_model(product_id=pk, **fields) for pk in missing[1:]], batch_size=1000
    )
    from catalog.services import catalog_revision_bump

    catalog_revision_bump()
    renditions = len(getattr(first, "renditions", []) or [])
    return f"{len(missing)} products given a photo ({renditions} renditions each)"


def _photo_make(photo_model: Any, *, product_id: int, media_root: Path) -> Any:
    """Store one generated JPEG as a product's photo and make its renditions."""
    image = Image.new("RGB", (1600, 1200), (236, 240, 244))
    draw = ImageDraw.Draw(image)
    for step in range(0, 1600, 40):
        draw.line([(step, 0), (1600 - step, 1200)], fill=(40 + step % 180, 90, 160), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    photo = photo_model(product_id=product_id, alt_sq="Pamja nga para", alt_en="Front view")
    photo.width, photo.height = image.size
    photo.image.save("bench.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.save()
    try:
        from catalog.renditions import photo_renditions_make
    except ImportError:
        return photo
    try:
        photo_renditions_make(photo_id=photo.pk)
    except Exception as error:  # noqa: BLE001 - the bench goes on with the original only
        say(f"photo renditions not made ({error}); pages show the original")
    photo.refresh_from_db()
    return photo


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


def warm_up(url: str, count: int, *, cookie: str = "") -> tuple[int, bool]:
    """GET ``url`` ``count`` times, with ``cookie`` as the Cookie header if given; return
    the last status and whether any answer set a session cookie (a session write)."""
    status = 0
    session_cookie = False
    headers = {"Cookie": cookie} if cookie else {}
    for _ in range(count):
        request = urllib.request.Request(url, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                response.read()
                status = response.status
                cookies = response.headers.get_all("Set-Cookie") or []
        except urllib.error.HTTPError as error:
            status = error.code
            cookies = error.headers.get_all("Set-Cookie") or []
        session_cookie = session_cookie or any(c.startswith("sessionid=") for c in cookies)
    return status, session_cookie


_CSRF_INPUT_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def shopper_cookie(base_url: str, product_path: str) -> str:
    """Become a shopper on the running server: open a product, put one in the cart through
    its form, see the cart once (which clears the message); return the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base_url + product_path, timeout=10) as response:
        page = response.read().decode()
    token = _CSRF_INPUT_RE.search(page)
    product = re.search(r'name="product" value="(\d+)"', page)
    if token is None or product is None:
        fail(f"{product_path} shows no add-to-cart form to become a shopper with")
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1),
            "product": product.group(1),
            "quantity": "1",
            "next": CART_PATH,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310
        base_url + CART_ADD_PATH, data=form, headers={"Referer": base_url + product_path}
    )
    with opener.open(request, timeout=10) as response:
        cart = response.read().decode()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies or not cart:
        fail("could not put a product in the shopper's cart")
    # Only the session and the CSRF cookie: a message cookie would repeat on every page.
    return "; ".join(
        f"{name}={cookies[name]}" for name in ("sessionid", "csrftoken") if name in cookies
    )


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


def run_wrk(
    wrk: str,
    url: str,
    *,
    threads: int,
    connections: int,
    duration: int,
    cookie: str = "",
    script: str = "",
) -> WrkResult:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", script]
    command.append(url)
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    if result.returncode != 0:
        fail(f"wrk failed on {url}: {result.stderr.strip() or result.stdout.strip()}")
    return parse_wrk(result.stdout)


def measure_target(
    wrk: str,
    base_url: str,
    target: Target,
    *,
    label: str,
    args: argparse.Namespace,
    cookie: str = "",
) -> dict[str, Any]:
    say(f"wrk {args.duration}s  {label:<12} {target.visitor:<8} {target.path}")
    result = run_wrk(
        wrk,
        # With a script, the script makes each request's address.
        base_url + (SEARCH_PATH if target.script else target.path),
        threads=args.threads,
        connections=args.connections,
        duration=args.duration,
        cookie=cookie,
        script=target.script,
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
        f"{'page':<16}{'visitor':<9}{'path':<36}{'req/s':>7}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'% bare':>8}{'queries':>8}{'KiB':>7}  flag"
    )
    print()
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = row.get("ratio_percent")
        ratio_text = f"{ratio:.0f}" if ratio is not None else "-"
        queries = row.get("queries")
        size = row.get("bytes")
        visitor = row.get("visitor", "") if not row["name"].startswith("bare") else ""
        print(
            f"{row['name']:<16}{visitor:<9}{row['path'][:35]:<36}{row['rps']:>7.0f}"
            f"{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}{ratio_text:>8}"
            f"{queries if queries is not None else '-':>8}"
            f"{(size / 1024) if size else 0:>7.1f}  {row.get('flag', '')}"
        )
    print("-" * len(header))
    print(
        f"bare mean {bare_mean:.0f} req/s. '% bare' of a page: its req/s over {baseline}; "
        f"under {THRESHOLD_PERCENT:.0f} % is flagged. Bare rows: % of the bare mean."
    )
    print("visitors: " + "; ".join(f"{name} = {text}" for name, text in VISITORS.items()))


def search_summary(page_rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Compare the never-made-before searches with the cached one (first-time visitors)."""
    by_name = {row["name"]: row for row in page_rows if row.get("visitor") == FIRST}
    new, cached = by_name.get("search-new"), by_name.get("search")
    if not new or not cached or not new.get("rps") or not cached.get("rps"):
        return None
    slower = cached["rps"] / new["rps"]
    cold = by_name.get(SEARCH_NEW_COLD) or {}
    cold_slower = cached["rps"] / cold["rps"] if cold.get("rps") else None
    summary = {
        "cold_rps": cold.get("rps"),
        "cold_p50_ms": cold.get("p50_ms"),
        "cold_p99_ms": cold.get("p99_ms"),
        "cold_times_slower": cold_slower,
        "uncached_rps": new["rps"],
        "cached_rps": cached["rps"],
        "uncached_p50_ms": new["p50_ms"],
        "cached_p50_ms": cached["p50_ms"],
        "uncached_p99_ms": new["p99_ms"],
        "cached_p99_ms": cached["p99_ms"],
        "times_slower": slower,
        "aim": SEARCH_NEW_AIM,
        "met": slower <= SEARCH_NEW_AIM,
    }
    print(
        f"search: a search nobody made before {new['rps']:.0f} req/s (p50 {new['p50_ms']:.1f} ms, "
        f"p99 {new['p99_ms']:.1f} ms), a cached one {cached['rps']:.0f} req/s (p50 "
        f"{cached['p50_ms']:.1f} ms): {slower:.2f}x the cached one's time, aim within "
        f"{SEARCH_NEW_AIM:.0f}x: {'ok' if summary['met'] else 'MISSES AIM'}"
    )
    if cold_slower is not None:
        print(
            f"search: on processes that had served no search yet, {cold['rps']:.0f} req/s "
            f"(p50 {cold['p50_ms']:.1f} ms, p99 {cold['p99_ms']:.1f} ms): {cold_slower:.2f}x "
            "the cached one's time"
        )
    return summary


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
        help="comma-separated page names to run "
        "(home,listing,category,search,search-new,product,cart)",
    )
    parser.add_argument(
        "--visitors",
        default=f"{FIRST},{SHOPPER}",
        help=f"comma-separated visitor kinds to measure ({FIRST},{SHOPPER})",
    )
    parser.add_argument(
        "--products",
        type=int,
        default=0,
        help="add copies of the demo products until this many are on sale (0: the demo "
        "catalogue as seeded); the search comparison asks for 10000",
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
    visitors = [v.strip() for v in args.visitors.split(",") if v.strip()]
    if not visitors or set(visitors) - set(VISITORS):
        fail(f"--visitors takes {', '.join(VISITORS)}")
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
    work_dir = Path(tempfile.mkdtemp(prefix="fejzo-bench-"))
    static_root = work_dir / "static"
    env["BENCH_STATIC_ROOT"] = str(static_root)
    # Photos the bench makes go to a folder of its own, gone with the run.
    env.setdefault("MEDIA_ROOT", str(work_dir / "media"))
    say("collecting static files (manifest storage, as in production)")
    manage("collectstatic", "--noinput", "-v0", env=env)

    django_setup(database_url, settings_module=args.settings, environ=env)
    if args.products:
        say(catalogue_grow(args.products))
    say(photos_ensure(Path(env["MEDIA_ROOT"])))
    pages = pick_targets()
    words = search_words()
    search_new = Target(
        "search-new",
        f"{SEARCH_PATH}?q=<new>",
        f"two of {len(words)} catalogue words, new on each request",
        script=str(search_new_script(words, work_dir)),
    )
    targets: list[Target] = []
    for visitor in visitors:
        for page in pages:
            targets.append(Target(**{**asdict(page), "visitor": visitor}))
            if page.name == "search" and visitor == FIRST:
                # Twice: first on processes that have served no search yet (their word
                # and card caches empty), then again once they have, as in a shop that
                # has been open a while. Each request's two words are drawn anew, so
                # nearly every search of either run is still one nobody made before.
                targets.append(replace(search_new, name=SEARCH_NEW_COLD))
                targets.append(search_new)
    if args.only:
        wanted = {name.strip() for name in args.only.split(",") if name.strip()}
        if "search-new" in wanted:
            wanted.add(SEARCH_NEW_COLD)
        targets = [t for t in targets if t.name in wanted]
    inspect_targets(targets)
    product_path = next(p.path for p in pages if p.name == "product")

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
        url = server.url
        cookies = {FIRST: ""}
        if SHOPPER in visitors:
            cookies[SHOPPER] = shopper_cookie(url, product_path)
        bare = Target("bare", BARE_PATH, "one product row, plain text")
        for target in [bare, *targets]:
            if target.script:
                target.status = 200
                continue
            status, cookie = warm_up(url + target.path, args.warmup, cookie=cookies[target.visitor])
            target.status = status
            target.sets_session_cookie = target.sets_session_cookie or cookie
            if status != 200:
                say(f"warning: {target.path} answers {status}; it is reported, not measured")

        def measure(target: Target, label: str) -> dict[str, Any]:
            return measure_target(
                wrk, url, target, label=label, args=args, cookie=cookies[target.visitor]
            )

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
        shutil.rmtree(work_dir, ignore_errors=True)

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
        if row["ratio_percent"] < THRESHOLD_PERCENT and row["name"] not in SEARCH_NEW_NAMES:
            flags.append(f"UNDER {THRESHOLD_PERCENT:.0f}%")
        if row.get("non_2xx_3xx"):
            flags.append(f"{row['non_2xx_3xx']} non-2xx")
        if row.get("socket_errors"):
            flags.append("socket errors")
        if row.get("sets_session_cookie"):
            flags.append(
                "writes the session" if row["visitor"] == SHOPPER else "sets session cookie"
            )
        if row.get("photos"):
            flags.append("photos")
        row["flag"] = ", ".join(flags)
    for row in bare_rows:
        row["ratio_percent"] = 100.0 * row["rps"] / bare_mean if bare_mean else None
        row["flag"] = "non-2xx" if row.get("non_2xx_3xx") else ""
    if args.interleave:
        rows = [bare_rows[0]]
        for page_row, after in zip(page_rows, [*bare_rows[1:-1], None], strict=True):
            rows.append(page_row)
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
    search = search_summary(page_rows)
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

    from catalog.models import Product

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
        "visitors": {name: VISITORS[name] for name in visitors},
        "products_on_sale": Product.objects.filter(is_active=True).count(),
        "bare": {
            "before": bare_before,
            "after": bare_after,
            "runs": bare_rows,
            "mean_rps": bare_mean,
            "drift_percent": drift,
        },
        "pages": page_rows,
        "search": search,
    }
    connection.close()
    report_write(args.output, report)

    if args.profile:
        profile_targets(targets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
