"""Fault runs: what the shop does when what it stands on fails under a load of orders and mail.

Not a timed test: a script that breaks things on purpose and counts. On a PostgreSQL
instance of its own (initdb into a temporary folder, its own port and socket; the
machine's cluster is never touched), gunicorn, `db_worker` processes and an SMTP sink
that records every message's Message-ID, while signed-in customers place orders through
the real pages (each order mails its confirmation):

1. ``postgres``: PostgreSQL restarted (``pg_ctl restart -m fast``, which cuts every
   connection). The site must recover without restarting gunicorn; requests in flight
   fail with the shop's own error page (no traceback) and leave no half order.
2. ``smtp``: the SMTP server down for ``--smtp-down`` seconds (600; ``--quick`` 30). Mail
   waits in the outbox and goes out once when it returns.
3. ``worker``: a worker killed with SIGKILL in the middle of a campaign send; another
   worker takes the work over, and every recipient gets the campaign exactly once.
4. ``storage``: the storage bucket unavailable (needs FEJZO_S3_BUCKET support and
   core.testing.s3): a download asked for meanwhile gets a clear page and is built later.

Each run prints what the shop did (status codes seen, recovery time) and the counts of
lost and duplicated messages and orders, all of which must be 0; then a final table.
Run with ``.venv/bin/python bench/faults.py [--quick] [--only postgres,smtp,...]``.
"""

from __future__ import annotations

import argparse
import collections
import email
import email.policy
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

import requests  # noqa: E402

from bench.common import HOST, RESULTS_DIR, fail, is_root, say  # noqa: E402
from bench.html_forms import page_form  # noqa: E402
from bench.load import free_port  # noqa: E402
from bench.load_locust import Stack  # noqa: E402

SETTINGS = "config.settings.rig"
DATABASE = "fejzo_faults"
PASSWORD = "demo-klient-2021"  # noqa: S105 - seed_demo's customers
PG_BIN = Path("/usr/lib/postgresql/15/bin")
FAULTS = ("postgres", "smtp", "worker", "storage")
PLACED = re.compile(r"/porosite/([^/]+)/u-vendos/$")
CAMPAIGN_RECIPIENT = re.compile(r"^r\d{6}@example\.al$")
# The supervisor starts a worker again this long after it exited, as systemd's
# Restart=always with RestartSec does.
RESTART_SECONDS = 2.0


# --------------------------------------------------------------------------- PostgreSQL


class OwnPostgres:
    """A PostgreSQL instance of the fault runs' own: restarted at will, removed after."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.socket = folder / "socket"
        self.port = free_port()
        self.log = folder / "postgres.log"
        if not (PG_BIN / "initdb").exists():
            fail(f"{PG_BIN}/initdb not found: PostgreSQL 15's server binaries are needed")

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        as_postgres = ["runuser", "-u", "postgres", "--"] if is_root() else []
        return subprocess.run(  # noqa: S603 - fixed arguments
            [*as_postgres, *command], capture_output=True, text=True, check=False
        )

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.socket} -c listen_addresses={HOST}"
        done = self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "-t", "60", *extra, action,
        )  # fmt: skip
        if done.returncode != 0:
            fail(f"pg_ctl {action} failed: {done.stderr.strip() or done.stdout.strip()}")

    def create(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.socket.mkdir(exist_ok=True)
        if is_root():
            shutil.chown(self.folder, "postgres")
            shutil.chown(self.socket, "postgres")
        done = self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        if done.returncode != 0:
            fail(f"initdb failed: {done.stderr.strip()}")
        self._ctl("start")
        self._run(
            str(PG_BIN / "psql"), "-h", str(self.socket), "-p", str(self.port), "-U", "postgres",
            "-X", "-q", "-c", f"CREATE DATABASE {DATABASE}",
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{DATABASE}"

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def destroy(self) -> None:
        if self.data.exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


# --------------------------------------------------------------------------- the load


@dataclass
class Outcome:
    at: float
    step: str
    status: int  # 0: no answer (connection refused or cut)
    clean: bool  # an error answer was the shop's own page, without a traceback
    token: str = ""


@dataclass
class Load:
    """Signed-in customers placing orders through the real pages, one thread each."""

    base_url: str
    customers: list[str]
    products: list[str]
    outcomes: list[Outcome] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        self.stop.clear()
        for address in self.customers:
            thread = threading.Thread(target=self._shop, args=(address,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)
        self.threads.clear()

    def _record(self, step: str, response: requests.Response | None, token: str = "") -> None:
        status = response.status_code if response is not None else 0
        text = response.text if response is not None else ""
        clean = status < 500 or ("Traceback" not in text and "<h1>" in text)
        with self.lock:
            self.outcomes.append(Outcome(time.time(), step, status, clean, token))

    def _request(
        self, session: requests.Session, method: str, path: str, step: str, **kwargs: Any
    ) -> requests.Response | None:
        try:
            response = session.request(method, self.base_url + path, timeout=60, **kwargs)
        except requests.RequestException:
            self._record(step, None)
            time.sleep(0.5)
            return None
        if response.status_code != 200:
            self._record(step, response)
            time.sleep(0.5)
            return None
        return response

    def _sign_in(self, session: requests.Session, address: str) -> bool:
        page = self._request(session, "GET", "/llogaria/hyr/", "sign in")
        form = page_form(page.text, has_field="password") if page is not None else None
        if form is None:
            return False
        form.values.update(username=address, password=PASSWORD)
        done = self._request(session, "POST", "/llogaria/hyr/", "sign in", data=form.values)
        return done is not None and "/llogaria/hyr/" not in urlsplit(done.url).path

    def _shop(self, address: str) -> None:
        session = requests.Session()
        signed_in = False
        while not self.stop.is_set():
            if not signed_in:
                signed_in = self._sign_in(session, address)
                continue
            slug = random.choice(self.products)
            page = self._request(session, "GET", f"/produkt/{slug}/", "product")
            form = page_form(page.text, action="/shporta/shto/") if page is not None else None
            if form is None:
                continue
            if self._request(session, "POST", form.action, "add to cart", data=form.values) is None:
                continue
            page = self._request(session, "GET", "/porosite/arka/", "checkout form")
            if page is None:
                continue
            if "/llogaria/hyr/" in urlsplit(page.url).path:
                signed_in = False
                continue
            form = page_form(page.text, has_field="payment_method")
            if form is None:
                continue
            municipalities = [v for v in form.options.get("municipality", []) if v]
            form.values.update(
                address="new",
                municipality=random.choice(municipalities) if municipalities else "",
                street=f"Rruga e Kavajës {random.randint(1, 300)}",
                payment_method="cod",
            )
            form.values.pop("save_address", None)
            done = self._request(
                session, "POST", "/porosite/arka/", "place order", data=form.values
            )
            if done is None:
                continue
            placed = PLACED.search(urlsplit(done.url).path)
            self._record("place order", done, token=placed.group(1) if placed else "")

    def acknowledged(self) -> set[str]:
        return {o.token for o in self.outcomes if o.token}

    def summary(self, since: float = 0.0) -> dict[str, Any]:
        seen = [o for o in self.outcomes if o.at >= since]
        statuses = collections.Counter(
            f"{o.step} {o.status or 'no answer'}" for o in seen if o.status != 200
        )
        return {
            "orders acknowledged": sum(1 for o in seen if o.token),
            "errors": dict(statuses),
            "unclean error pages": sum(1 for o in seen if not o.clean),
        }

    def first_success_after(self, moment: float) -> float | None:
        times = [o.at for o in self.outcomes if o.token and o.at > moment]
        return min(times) - moment if times else None


# --------------------------------------------------------------------------- the rig


class Rig:
    """The stack on its own PostgreSQL, its workers supervised as systemd would."""

    def __init__(self, work_dir: Path, *, customers: int, with_bucket: bool) -> None:
        self.work_dir = work_dir
        self.postgres = OwnPostgres(work_dir / "pg")
        self.stack: Stack | None = None
        self.customers_wanted = customers
        self.restarts = 0
        self._supervise = threading.Event()
        self._supervisor: threading.Thread | None = None
        self.stock_before: dict[int, int] = {}
        # Every order a customer was told was placed, over all the runs so far.
        self.acknowledged: set[str] = set()
        self.bucket: Bucket | None = Bucket() if with_bucket else None
        self.orders_before = 0

    def up(self) -> None:
        say("PostgreSQL of our own: initdb, start")
        self.postgres.create()
        if self.bucket is not None:
            say(f"S3-compatible server (moto) on {self.bucket.url}")
            self.bucket.start()
        self.stack = Stack(
            self.postgres.url,
            self.work_dir,
            settings=SETTINGS,
            gunicorn_workers=3,
            extra_env={
                "CAMPAIGN_LEASE_SECONDS": "5",
                "CAMPAIGN_TASK_SECONDS": "2",
                **(self.bucket.environ() if self.bucket else {}),
            },
        )
        self.stack.prepare()
        from catalog.models import Product
        from orders.models import Order

        self.stock_before = dict(Product.objects.values_list("pk", "stock"))
        self.orders_before = Order.objects.count()
        self.stack.start(workers=2)
        self._supervise.set()
        self._supervisor = threading.Thread(target=self._watch_workers, daemon=True)
        self._supervisor.start()

    def _watch_workers(self) -> None:
        assert self.stack is not None
        while self._supervise.is_set():
            for index, worker in enumerate(list(self.stack.workers)):
                if worker.poll() is not None and self._supervise.is_set():
                    time.sleep(RESTART_SECONDS)
                    self.stack.workers.remove(worker)
                    self.stack.worker_start()
                    self.restarts += 1
                    say(f"  supervisor: worker {index} exited ({worker.returncode}); started again")
            time.sleep(0.5)

    def down(self) -> None:
        self._supervise.clear()
        if self.stack is not None:
            self.stack.stop()
        if self.bucket is not None:
            self.bucket.stop()
        self.postgres.destroy()

    def manage(self, *args: str) -> str:
        assert self.stack is not None
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.stack.env,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout + done.stderr

    def manage_step(self, *args: str) -> Any:
        """Run one step of bench/campaign_rig_steps.py in the rig's database; return its JSON."""
        assert self.stack is not None
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "bench.campaign_rig_steps", *args],
            cwd=ROOT,
            env=self.stack.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            fail(f"campaign step {args[0]} failed: {done.stderr.strip()[-500:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def load(self, customers: int | None = None) -> Load:
        from accounts.models import User
        from catalog.models import Product

        db_fresh()
        verified = User.objects.filter(
            is_staff=False, is_active=True, email_verified_at__isnull=False
        )
        people = [u.email for u in verified.order_by("pk") if not u.email.endswith(".invalid")]
        people = people[: customers or self.customers_wanted]
        products = list(
            Product.objects.filter(is_active=True, stock__gt=1000).values_list("slug", flat=True)
        )
        assert self.stack is not None
        return Load(self.stack.url, people, products)

    # ---------------------------------------------------------------- counting

    def mail_counts(self) -> dict[str, int]:
        """Outbox rows against what the sink received, by Message-ID."""
        from mail.models import OutboxMessage, OutboxStatus

        assert self.stack is not None
        db_fresh()
        received = collections.Counter(m["message_id"] for m in self.stack.sink.received())
        rows = list(OutboxMessage.objects.all())
        sent = [row for row in rows if row.status == OutboxStatus.SENT]
        waiting = [row for row in rows if row.status not in (OutboxStatus.SENT,)]
        return {
            "outbox rows": len(rows),
            "sent": len(sent),
            "not sent yet": len(waiting),
            "lost": sum(1 for row in sent if received[row.message_id] == 0),
            "duplicated": sum(n - 1 for n in received.values() if n > 1),
        }

    def order_counts(self, load: Load) -> dict[str, int]:
        """Orders in the database (all placed since the rig started) against what customers
        were told (in every run so far); stock kept."""
        from django.db.models import Count, Sum

        from catalog.models import Product
        from orders.models import Order, OrderLine

        self.acknowledged |= load.acknowledged()
        acknowledged = self.acknowledged
        db_fresh()
        placed = set(
            Order.objects.order_by("pk")[self.orders_before :].values_list("public_id", flat=True)
        )
        sold = dict(
            OrderLine.objects.filter(order__public_id__in=placed)
            .values_list("product_id")
            .annotate(n=Sum("quantity"))
            .values_list("product_id", "n")
        )
        stock = dict(Product.objects.values_list("pk", "stock"))
        inconsistent = sum(
            1
            for pk, before in self.stock_before.items()
            if stock.get(pk, 0) + sold.get(pk, 0) != before
        )
        empty = (
            Order.objects.filter(public_id__in=placed)
            .annotate(line_count=Count("lines"))
            .filter(line_count=0)
            .count()
        )
        return {
            "orders placed": len(placed),
            "acknowledged": len(acknowledged),
            "lost (acknowledged, not in the database)": len(acknowledged - placed),
            "placed, answer lost in the fault": len(placed - acknowledged),
            "half orders (no lines)": empty,
            "products whose stock does not add up": inconsistent,
        }

    def drain_mail(self, timeout: float) -> float:
        """Wait until the outbox has nothing left to send (queuing lost work again each
        minute, as the mail_requeue timer does); return the seconds waited."""
        from mail.models import OutboxMessage, OutboxStatus

        started = time.monotonic()
        last_requeue = started
        while time.monotonic() - started < timeout:
            db_fresh()
            left = OutboxMessage.objects.exclude(status=OutboxStatus.SENT).count()
            if left == 0:
                return time.monotonic() - started
            if time.monotonic() - last_requeue > 60:
                self.manage("mail_requeue")
                last_requeue = time.monotonic()
            time.sleep(1)
        return time.monotonic() - started


def db_fresh() -> None:
    """Drop this process's connection, so a query after a restart opens a new one."""
    from django.db import connection

    connection.close()


# --------------------------------------------------------------------------- the faults


@dataclass
class Result:
    fault: str
    did: str
    recovery_s: float | None
    lost_messages: int
    duplicated_messages: int
    lost_orders: int
    duplicated_orders: int
    details: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not (
            self.lost_messages
            or self.duplicated_messages
            or self.lost_orders
            or self.duplicated_orders
            or self.details.get("unclean error pages")
            or self.details.get("half orders (no lines)")
            or self.details.get("products whose stock does not add up")
        )


def fault_postgres(rig: Rig, args: argparse.Namespace) -> Result:
    assert rig.stack is not None and rig.stack.server is not None
    gunicorn_pid = rig.stack.server.process.pid
    load = rig.load()
    load.start()
    time.sleep(args.settle)
    say("  restarting PostgreSQL (pg_ctl restart -m fast) under load")
    restart_at = time.time()
    rig.postgres.restart()
    back_at = time.time()
    time.sleep(args.settle)
    load.finish()
    recovery = load.first_success_after(back_at)
    summary = load.summary(since=restart_at - 1)
    waited = rig.drain_mail(args.drain)
    mail = rig.mail_counts()
    orders = rig.order_counts(load)
    same_gunicorn = rig.stack.server.process.poll() is None and (
        rig.stack.server.process.pid == gunicorn_pid
    )
    did = (
        f"restart took {back_at - restart_at:.1f} s; "
        f"answers meanwhile {summary['errors'] or 'none'}; "
        f"gunicorn {'kept running (same master)' if same_gunicorn else 'WAS RESTARTED'}; "
        f"worker restarts by the supervisor {rig.restarts}; mail drained {waited:.0f} s later"
    )
    return Result(
        "PostgreSQL restarted",
        did,
        recovery,
        mail["lost"] + mail["not sent yet"],
        mail["duplicated"],
        orders["lost (acknowledged, not in the database)"],
        0,
        {**summary, **mail, **orders, "gunicorn kept": same_gunicorn},
    )


def fault_smtp(rig: Rig, args: argparse.Namespace) -> Result:
    assert rig.stack is not None
    load = rig.load()
    load.start()
    time.sleep(args.settle)
    say(f"  SMTP down for {args.smtp_down} s")
    rig.stack.sink.stop()
    down_at = time.time()
    time.sleep(args.smtp_down)
    load.finish()
    from mail.models import OutboxMessage, OutboxStatus

    db_fresh()
    waiting = OutboxMessage.objects.exclude(status=OutboxStatus.SENT).count()
    rig.stack.sink.start()
    up_at = time.time()
    say(f"  SMTP back; {waiting} message(s) waiting in the outbox")
    waited = rig.drain_mail(args.drain)
    mail = rig.mail_counts()
    orders = rig.order_counts(load)
    summary = load.summary(since=down_at)
    did = (
        f"{summary['orders acknowledged']} orders placed while SMTP was down (answers "
        f"{summary['errors'] or 'all 200'}); {waiting} messages waited; "
        f"outbox empty {waited:.0f} s "
        f"after SMTP returned (retry back-off {rig_retry_note()})"
    )
    return Result(
        f"SMTP down {args.smtp_down} s",
        did,
        time.time() - up_at if mail["not sent yet"] == 0 else None,
        mail["lost"] + mail["not sent yet"],
        mail["duplicated"],
        orders["lost (acknowledged, not in the database)"],
        0,
        {**summary, **mail, **orders, "waiting when SMTP returned": waiting},
    )


def rig_retry_note() -> str:
    from django.conf import settings

    return f"{settings.MAIL_RETRY_BASE_SECONDS} s doubling"


def fault_worker(rig: Rig, args: argparse.Namespace) -> Result:
    assert rig.stack is not None
    rig.manage_step("seed", "--subscribers", str(args.recipients))
    started = rig.manage_step("start")
    campaign = started["campaign"]
    say(f"  campaign of {started['recipients']} recipients started; waiting for the first mails")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        arrived = sum(
            1 for m in rig.stack.sink.received() for to in m["to"] if CAMPAIGN_RECIPIENT.match(to)
        )
        if arrived >= args.recipients // 10:
            break
        time.sleep(0.1)
    victims = [w for w in rig.stack.workers if w.poll() is None]
    killed_at = time.time()
    for worker in victims:
        worker.kill()  # SIGKILL: no cleanup, as a lost machine
    say(
        f"  SIGKILL to {len(victims)} worker(s) after {arrived} campaign mails; supervisor restarts"
    )
    deadline = time.monotonic() + args.drain
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status = rig.manage_step("status", "--campaign", str(campaign))
        if status["status"] in ("sent", "cancelled"):
            break
        time.sleep(2)
    done_at = time.time()
    rig.drain_mail(args.drain)
    per_address = collections.Counter(
        to for m in rig.stack.sink.received() for to in m["to"] if CAMPAIGN_RECIPIENT.match(to)
    )
    mail = rig.mail_counts()
    missing = args.recipients - len(per_address)
    duplicated = sum(n - 1 for n in per_address.values() if n > 1)
    did = (
        f"killed {len(victims)} worker(s) mid-send at {arrived} of {args.recipients}; campaign "
        f"'{status.get('status')}' {done_at - killed_at:.0f} s later, "
        f"deliveries {status.get('counts')}, "
        f"reclaimed {status.get('reclaimed')}"
    )
    return Result(
        "worker killed mid-task",
        did,
        done_at - killed_at,
        missing + mail["lost"] + mail["not sent yet"],
        duplicated + mail["duplicated"],
        0,
        0,
        {"campaign": status, **mail, "recipients missing": missing},
    )


class Bucket:
    """The S3-compatible server (moto) the rig's storage uses: stopped and started again
    on the same port, the bucket made anew (moto keeps nothing across a restart)."""

    def __init__(self) -> None:
        from core.testing import s3

        self.s3 = s3
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own virtualenv's moto_server
            self.s3._moto_command(self.port),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "AWS_DEFAULT_REGION": self.s3.REGION},
            start_new_session=True,
        )
        self.s3._wait_until_answering(self.url, self.process)
        self.s3.s3_client(self.url).create_bucket(
            Bucket=self.s3.BUCKET,
            CreateBucketConfiguration={"LocationConstraint": self.s3.REGION},
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def environ(self) -> dict[str, str]:
        return dict(self.s3.s3_environ(self.url))


def bucket_available() -> bool:
    try:
        from core.testing import s3  # noqa: F401
    except ImportError:
        return False
    return True


EXPORT_PAGE = "/llogaria/te-dhenat/shkarko/"
EXPORT_LINK = re.compile(r"/llogaria/te-dhenat/shkarko/[^/\s\"'<>]{8,}/")


def fault_storage(rig: Rig, args: argparse.Namespace) -> Result:
    if rig.bucket is None:
        return Result(
            "storage bucket unavailable",
            "NOT RUN: core.testing.s3 (the S3-compatible test server) is not in this checkout",
            None, 0, 0, 0, 0, {"skipped": True},
        )  # fmt: skip
    from rights.models import DataExport, ExportStatus

    assert rig.stack is not None
    load = rig.load(customers=1)
    address = load.customers[0]
    session = requests.Session()
    statuses: collections.Counter[str] = collections.Counter()
    unclean = 0

    def visit(method: str, path: str, step: str, **kwargs: Any) -> requests.Response | None:
        nonlocal unclean
        try:
            response = session.request(method, rig.stack.url + path, timeout=60, **kwargs)  # type: ignore[union-attr]
        except requests.RequestException:
            statuses[f"{step} no answer"] += 1
            return None
        statuses[f"{step} {response.status_code}"] += 1
        if response.status_code >= 500 and (
            "Traceback" in response.text or "<h1>" not in response.text
        ):
            unclean += 1
        return response

    if not load._sign_in(session, address):
        fail("the storage fault's customer could not sign in")
    db_fresh()
    before = set(DataExport.objects.values_list("pk", flat=True))
    say("  bucket unavailable (moto stopped); the customer asks for a download")
    rig.bucket.stop()
    down_at = time.time()
    page = visit("GET", EXPORT_PAGE, "download page")
    form = page_form(page.text, has_field="password") if page is not None else None
    if form is None:
        fail("the download page shows no form")
    form.values["password"] = PASSWORD
    visit("POST", EXPORT_PAGE, "ask for a download", data=form.values)
    time.sleep(args.settle)
    visit("GET", EXPORT_PAGE, "download page while the bucket is away")
    db_fresh()
    export = DataExport.objects.exclude(pk__in=before).order_by("-pk").first()
    state_during = export.status if export else "no request recorded"
    time.sleep(max(0.0, args.bucket_down - (time.time() - down_at)))
    rig.bucket.start()
    up_at = time.time()
    say(f"  bucket back after {up_at - down_at:.0f} s; the download was '{state_during}'")
    deadline = time.monotonic() + args.drain
    link = ""
    while time.monotonic() < deadline and not link:
        for path in rig.stack.sink.folder.glob(f"{address}--*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for part in message.walk():
                if part.get_content_type() == "text/plain":
                    found = EXPORT_LINK.search(str(part.get_content()))
                    link = found.group(0) if found else link
        time.sleep(2)
    downloaded = visit("GET", link, "download") if link else None
    done_at = time.time()
    got_zip = downloaded is not None and downloaded.headers.get("Content-Type") == (
        "application/zip"
    )
    db_fresh()
    export = DataExport.objects.exclude(pk__in=before).order_by("-pk").first()
    rig.drain_mail(args.drain)
    mail = rig.mail_counts()
    did = (
        f"answers {dict(statuses)}; the download was '{state_during}' while the bucket was "
        f"away, '{export.status if export else '-'}' after; "
        f"{'ZIP downloaded' if got_zip else 'NO ZIP'} {done_at - up_at:.0f} s after it returned"
    )
    lost = 0 if got_zip and export is not None and export.status == ExportStatus.READY else 1
    return Result(
        "storage bucket unavailable",
        did,
        done_at - up_at if got_zip else None,
        mail["lost"] + mail["not sent yet"] + lost,
        mail["duplicated"],
        0,
        0,
        {"answers": dict(statuses), "unclean error pages": unclean, **mail},
    )


RUNS: dict[str, Callable[[Rig, argparse.Namespace], Result]] = {
    "postgres": fault_postgres,
    "smtp": fault_smtp,
    "worker": fault_worker,
    "storage": fault_storage,
}


# --------------------------------------------------------------------------- main


def table_print(results: list[Result]) -> None:
    header = (
        f"{'fault':<26}{'recovery s':>11}{'lost mail':>10}{'dup mail':>9}"
        f"{'lost orders':>12}{'dup orders':>11}  verdict"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        recovery = "-" if r.recovery_s is None else f"{r.recovery_s:.1f}"
        skipped = r.details.get("skipped")
        verdict = "not run" if skipped else "ok" if r.ok else "FAILED"
        print(
            f"{r.fault:<26}{recovery:>11}{r.lost_messages:>10}{r.duplicated_messages:>9}"
            f"{r.lost_orders:>12}{r.duplicated_orders:>11}  {verdict}"
        )
    print("-" * len(header))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="SMTP down 30 s, shorter waits")
    parser.add_argument("--only", default=",".join(FAULTS), help="faults to run, in order")
    parser.add_argument("--smtp-down", type=int, help="seconds SMTP is down (600; --quick 30)")
    parser.add_argument("--customers", type=int, default=4, help="customers ordering at once")
    parser.add_argument("--recipients", type=int, help="campaign size (2000; --quick 300)")
    parser.add_argument("--settle", type=float, help="seconds of load before and after a fault")
    parser.add_argument(
        "--bucket-down", type=float, default=60, help="seconds the bucket is away (60)"
    )
    parser.add_argument("--drain", type=float, default=1800, help="longest wait for mail to go")
    args = parser.parse_args(argv)
    args.smtp_down = args.smtp_down or (30 if args.quick else 600)
    args.recipients = args.recipients or (300 if args.quick else 2000)
    args.settle = args.settle or (8.0 if args.quick else 20.0)
    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    if set(wanted) - set(FAULTS):
        fail(f"--only takes {', '.join(FAULTS)}")
    args.faults = wanted
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work_dir = Path(tempfile.mkdtemp(prefix="fejzo-faults-"))
    if is_root():
        # The postgres user must reach its data folder inside.
        work_dir.chmod(0o755)
    with_bucket = "storage" in args.faults and bucket_available()
    rig = Rig(work_dir, customers=args.customers, with_bucket=with_bucket)
    results: list[Result] = []
    try:
        rig.up()
        for name in args.faults:
            say(f"fault: {name}")
            result = RUNS[name](rig, args)
            results.append(result)
            say(f"  {result.did}")
            say(f"  {json.dumps(result.details, default=str)}")
    finally:
        rig.down()
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        for name in ("gunicorn.log", "worker.log", "pg/postgres.log"):
            if (work_dir / name).exists():
                shutil.copy(work_dir / name, RESULTS_DIR / f"faults-{Path(name).name}")
        shutil.rmtree(work_dir, ignore_errors=True)
    for result in results:
        print(f"\n{result.fault}: {result.did}")
    table_print(results)
    (RESULTS_DIR / "faults.json").write_text(
        json.dumps([r.__dict__ for r in results], indent=2, default=str) + "\n"
    )
    return 0 if all(r.ok or r.details.get("skipped") for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
