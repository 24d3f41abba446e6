"""Retention benchmark: how fast `apply_retention` erases inactive accounts.

Seeds, on a database of its own, 10,000 customers inactive past ACCOUNT_INACTIVE_YEARS
and warned long enough ago (so all are due for erasure now), with what such customers
have (an address, delivered orders, a subscription, a cookie decision, a sent mail),
beside 1,000 active customers who must be left alone. Then times `retention_apply()`
and prints the accounts erased per second, the queries per batch and the peak memory,
and checks the result: every inactive account erased, nothing of theirs readable, the
active ones untouched, the access record intact, the order totals unchanged.
Run with ``make bench-retention``; see bench/README.md. Prints figures; it is not a
pass/fail test, but a failed check makes it exit with status 1.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import random
import re
import resource
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import is_password_usable, make_password
from django.db import connection, connections, transaction
from django.db.models import F, Sum
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path, and bench/privacy.py would then shadow
# the privacy app. The checkout root takes its place.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from bench import common  # noqa: E402
from bench.common import (  # noqa: E402
    SETTINGS,
    Database,
    Figure,
    chunks,
    django_setup,
    fail,
    keep_db_option,
    migrate,
    output_option,
    postgres_database,
    print_figures,
    proc_memory,
    report_head,
    report_write,
    run_time_note,
    say,
    sqlite_database,
)

BENCH_DB = "fejzo_bench_retention"

RATE_AIM = 200.0  # accounts erased per second by apply_retention
SEED_BATCH = 1_000
SAMPLE = 200  # erased accounts opened and compared with what was seeded
BENCH_PASSWORD = "bench-only-password-0123"  # noqa: S105 - hashed once, never used to sign in

# Shares of customers who have each kind of data besides their account and address.
ORDER_SHARE = 0.6  # 1–3 delivered orders, one line each
SUBSCRIBER_SHARE = 0.35  # a confirmed subscriber with an active subscription
CONSENT_SHARE = 0.5  # a cookie decision linked to the account
OUTBOX_SHARE = 0.8  # a mail already sent (the welcome mail)

STREETS = (
    "Rr. Myslym Shyri", "Rr. e Kavajës", "Bulevardi Zogu I", "Rr. Sami Frashëri",
    "Rr. Ismail Qemali", "Rr. e Durrësit", "Rr. Hoxha Tahsim", "Rr. Dibrës",
)  # fmt: skip
MUNICIPALITIES = ("tirane", "durres", "vlore", "shkoder", "elbasan", "korce", "fier", "berat")
PRODUCTS = (
    ("SAM-A55-128", "Samsung Galaxy A55 128GB", 48_900),
    ("APL-IPM-A17", "Apple iPad mini (A17 Pro) 128GB", 89_990),
    ("LG-OLED55C4", 'LG OLED55C4 55" 4K', 149_900),
    ("XIA-RN13-256", "Xiaomi Redmi Note 13 256GB", 27_500),
    ("BOS-WAN28", "Bosch WAN28 lavatriçe 8 kg", 64_900),
    ("PHI-AF3000", "Philips Airfryer 3000", 12_900),
)
WELCOME_TEXT = (
    "Përshëndetje {first},\n\nFaleminderit që krijuat një llogari në 3VFejzo. Me llogarinë "
    "tuaj mund të ndiqni porositë, të ruani adresat e dorëzimit dhe të merrni ofertat që "
    "zgjidhni. Adresa juaj e hyrjes është {email}.\n\n"
    + "Nëse nuk e krijuat ju këtë llogari, na shkruani në info@3vfejzo.al. " * 6
    + "\n\nMe respekt,\nEkipi i 3VFejzo\n"
)


# --------------------------------------------------------------------------- database


def create_database(*, keep_db: bool, workdir: Path) -> Database:
    """PostgreSQL by default; SQLite when DATABASE_URL names a SQLite file.

    Never writes to the database DATABASE_URL names: a PostgreSQL URL only says which
    server gets the benchmark's own database, a SQLite URL only says to use SQLite.
    """
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith("sqlite"):
        return sqlite_database(workdir / "retention.sqlite3")
    if given and not given.startswith("postgres"):
        fail("DATABASE_URL must name a PostgreSQL server or a SQLite file")
    return postgres_database(BENCH_DB, keep_db=keep_db, server_url=given)


# --------------------------------------------------------------------------- seeding


@dataclass
class Seeded:
    """What was written, to check the erasure against."""

    inactive: list[int] = field(default_factory=list)
    active: list[int] = field(default_factory=list)
    # Per sampled inactive account: the plaintexts seeded for them.
    plaintext: dict[int, dict[str, Any]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def person(index: int) -> dict[str, str]:
    """The plaintext of customer number `index`."""
    street = f"{STREETS[index % len(STREETS)]} {index % 180 + 1}, ap. {index % 40 + 1}"
    return {**common.person(index), "street": street}


def seed(*, accounts: int, active: int, rng: random.Random) -> Seeded:
    """Create `accounts` inactive customers due for erasure and `active` active ones.

    bulk_create throughout: it calls each field's pre_save, so every encrypted value is
    sealed under the row's own seal_id and every blind index computed, as a save would.
    One Argon2 hash for everyone: hashing 11,000 passwords would measure Argon2.
    """
    # The apps load only after django_setup() in main().
    from accounts.models import Address, Language, User
    from consent.models import ConsentDecision, DecisionAction, DecisionChannel
    from mail.models import MailKind, OutboxMessage, OutboxStatus
    from orders.models import Order, OrderLine, OrderStatus, PaymentMethod
    from rights.models import InactivityWarning
    from subscriptions.models import (
        Channel,
        Subscriber,
        Subscription,
        SubscriptionAction,
        SubscriptionEvent,
        Topic,
    )

    started = time.perf_counter()
    now = timezone.now()
    password = make_password(BENCH_PASSWORD)
    # Past the limit by a year ("4 years ago" with the default of 3), whatever the setting.
    long_ago = now - timedelta(days=365 * (settings.ACCOUNT_INACTIVE_YEARS + 1))
    warned_at = now - timedelta(days=settings.ACCOUNT_INACTIVE_WARNING_DAYS + 10)
    total = accounts + active
    active_indexes = set(rng.sample(range(total), active))
    sampled = set(rng.sample([i for i in range(total) if i not in active_indexes], SAMPLE))
    seeded = Seeded()
    counts = dict.fromkeys(
        ("users", "addresses", "orders", "lines", "subscribers", "consents", "outbox"), 0
    )
    order_number = 0

    for indexes in chunks(range(total), SEED_BATCH):
        with transaction.atomic():
            users: list[User] = []
            plain: list[dict[str, str]] = []
            for i in indexes:
                p = person(i)
                if i in active_indexes:
                    last_login = now - timedelta(days=rng.randint(1, 60), minutes=i)
                    joined = now - timedelta(days=rng.randint(100, 700))
                else:
                    last_login = long_ago - timedelta(minutes=i)
                    joined = last_login - timedelta(days=rng.randint(0, 90))
                plain.append(p)
                users.append(
                    User(
                        password=password,
                        email=p["email"],
                        first_name=p["first_name"],
                        last_name=p["last_name"],
                        phone=p["phone"],
                        language=Language.ALBANIAN if i % 5 else Language.ENGLISH,
                        email_verified_at=joined,
                        date_joined=joined,
                        last_login=last_login,
                    )
                )
            User.objects.bulk_create(users)

            warnings_: list[InactivityWarning] = []
            addresses: list[Address] = []
            orders: list[Order] = []
            lines: list[tuple[Order, tuple[str, str, int], int]] = []
            subscribers: list[Subscriber] = []
            consents: list[ConsentDecision] = []
            outbox: list[OutboxMessage] = []
            for i, user, p in zip(indexes, users, plain, strict=True):
                is_active = i in active_indexes
                assert user.last_login is not None
                (seeded.active if is_active else seeded.inactive).append(user.pk)
                if not is_active:
                    # Warned 40 days ago about the sign-in they never followed up.
                    warnings_.append(
                        InactivityWarning(
                            user=user, last_seen_at=user.last_login, warned_at=warned_at
                        )
                    )
                municipality = MUNICIPALITIES[i % len(MUNICIPALITIES)]
                addresses.append(
                    Address(
                        user=user,
                        municipality=municipality,
                        street=p["street"],
                        courier_notes="Telefononi para se të vini." if i % 3 == 0 else "",
                        is_default=True,
                    )
                )
                user_orders: list[Order] = []
                if rng.random() < ORDER_SHARE:
                    for _ in range(rng.randint(1, 3)):
                        product = rng.choice(PRODUCTS)
                        quantity = rng.randint(1, 2)
                        order_number += 1
                        if is_active:
                            placed = now - timedelta(days=rng.randint(5, 300))
                        else:
                            placed = user.last_login - timedelta(days=rng.randint(0, 60))
                        order = Order(
                            number=f"3VF-B-{order_number:08d}",
                            customer=user,
                            status=OrderStatus.DELIVERED,
                            payment_method=PaymentMethod.CASH_ON_DELIVERY,
                            delivery_name=f"{p['first_name']} {p['last_name']}",
                            delivery_phone=p["phone"],
                            delivery_municipality=municipality,
                            delivery_street=p["street"],
                            delivery_notes="Kati i tretë." if order_number % 4 == 0 else "",
                            total=product[2] * quantity,
                            language=user.language,
                            placed_at=placed,
                        )
                        user_orders.append(order)
                        lines.append((order, product, quantity))
                orders += user_orders
                if rng.random() < SUBSCRIBER_SHARE:
                    subscribers.append(
                        Subscriber(
                            email=p["email"],
                            user=user,
                            language=user.language,
                            confirmed_at=user.date_joined,
                        )
                    )
                if rng.random() < CONSENT_SHARE:
                    consents.append(
                        ConsentDecision(
                            consent_id=secrets.token_hex(16),
                            user=user,
                            action=DecisionAction.ACCEPT_ALL,
                            channel=DecisionChannel.BANNER,
                            analytics=True,
                            personalisation=bool(i % 2),
                            banner_revision=1,
                            policy_version=1,
                            user_agent_hash=secrets.token_hex(32),
                            decided_at=user.date_joined,
                        )
                    )
                if rng.random() < OUTBOX_SHARE:
                    sent_at = user.date_joined + timedelta(seconds=5)
                    if is_active:
                        # Recent, so the outbox schedule (90 days) leaves it alone too.
                        sent_at = now - timedelta(days=rng.randint(1, 30))
                    text = WELCOME_TEXT.format(first=p["first_name"], email=p["email"])
                    outbox.append(
                        OutboxMessage(
                            kind=MailKind.WELCOME,
                            recipient=user,
                            to_address=p["email"],
                            subject=f"Mirë se vini në 3VFejzo, {p['first_name']}!",
                            body_text=text,
                            body_html="<html><body><p>"
                            + text.replace("\n\n", "</p><p>")
                            + "</p></body></html>",
                            language=user.language,
                            status=OutboxStatus.SENT,
                            attempts=1,
                            next_attempt_at=sent_at,
                            created_at=sent_at,
                            sent_at=sent_at,
                        )
                    )
                if i in sampled:
                    seeded.plaintext[user.pk] = {
                        **p,
                        "orders": len(user_orders),
                        "consent_ids": [c.consent_id for c in consents if c.user is user],
                    }
            InactivityWarning.objects.bulk_create(warnings_)
            Address.objects.bulk_create(addresses)
            Order.objects.bulk_create(orders)
            OrderLine.objects.bulk_create(
                OrderLine(
                    order=order,
                    sku=sku,
                    product_name=name,
                    unit_price=price,
                    quantity=quantity,
                )
                for order, (sku, name, price), quantity in lines
            )
            Subscriber.objects.bulk_create(subscribers)
            Subscription.objects.bulk_create(
                Subscription(subscriber=s, topic=Topic.OFFERS, active=True) for s in subscribers
            )
            SubscriptionEvent.objects.bulk_create(
                SubscriptionEvent(
                    subscriber=s,
                    topic=Topic.OFFERS,
                    action=SubscriptionAction.SUBSCRIBED,
                    channel=Channel.REGISTRATION,
                )
                for s in subscribers
            )
            ConsentDecision.objects.bulk_create(consents)
            OutboxMessage.objects.bulk_create(outbox)
        counts["users"] += len(users)
        counts["addresses"] += len(addresses)
        counts["orders"] += len(orders)
        counts["lines"] += len(lines)
        counts["subscribers"] += len(subscribers)
        counts["consents"] += len(consents)
        counts["outbox"] += len(outbox)
    seeded.counts = counts
    seeded.seconds = time.perf_counter() - started
    return seeded


def analyse() -> None:
    """Statistics for the planner, as autovacuum would have them on a real database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            # Flush the bulk load's dirty pages now, not in the middle of the timed run.
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")


# --------------------------------------------------------------------------- measuring


STATEMENT_TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)


def statement_label(sql: str) -> str:
    """Name a statement by its verb and first table: 'DELETE subscriptions_subscriber'."""
    text = sql.lstrip()
    verb = text.split(None, 1)[0].upper() if text else "?"
    if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
        return "SAVEPOINT/RELEASE"
    match = STATEMENT_TABLE.search(text)
    label = f"{verb} {match.group(1) if match else ''}".strip()
    if verb == "SELECT" and "FOR UPDATE" in text.upper()[-60:]:
        label += " FOR UPDATE"
    return label


@dataclass
class QueryLog:
    """An execute_wrapper: counts every query and the time spent in each kind of statement."""

    count: int = 0
    seconds: float = 0.0
    by_statement: dict[str, list[float]] = field(default_factory=dict)

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.count += 1
            self.seconds += elapsed
            entry = self.by_statement.setdefault(statement_label(sql), [0, 0.0])
            entry[0] += 1
            entry[1] += elapsed


def reset_peak_memory() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0), so the peak is the erasure's own."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


def measure(*, accounts: int, profile: bool) -> dict[str, Any]:
    """Run retention_apply once; return its time, per-batch figures and peak memory."""
    # The apps load only after django_setup() in main().
    from privacy.registry import Retention
    from rights.retention.services import retention_apply

    log = QueryLog()
    marks: list[tuple[float, int, int]] = []  # (time, queries so far, accounts in batch)

    def progress(retention: Retention, count: int) -> None:
        marks.append((time.perf_counter(), log.count, count))

    profiler = cProfile.Profile() if profile else None
    peak_reset = reset_peak_memory()
    rss_before = proc_memory().get("VmRSS", 0.0)
    with connection.execute_wrapper(log):
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        outcomes = retention_apply(progress=progress)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
    memory = proc_memory()
    peak = (
        memory.get("VmHWM", 0.0)
        if peak_reset
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )

    batches = []
    previous = (started, 0)
    for at, queries, count in marks:
        batches.append(
            {"accounts": count, "seconds": at - previous[0], "queries": queries - previous[1]}
        )
        previous = (at, queries)
    outcome = {o.schedule: o for o in outcomes}[Retention.ACCOUNT_LIFETIME]
    erased_s = (marks[-1][0] - started) if marks else 0.0
    # Batch 1 also selects the due accounts; the others are erase_people alone.
    steady = batches[1:] or batches
    return {
        "accounts": accounts,
        "selected": outcome.selected,
        "erased": outcome.done,
        "seconds": seconds,
        "per_second": outcome.done / seconds if seconds else 0.0,
        "accounts_seconds": erased_s,
        "other_schedules_seconds": seconds - erased_s,
        "outcomes": {str(o.schedule): {"selected": o.selected, "done": o.done} for o in outcomes},
        "batches": batches,
        "queries_per_batch": statistics.median(b["queries"] for b in steady) if steady else 0,
        "queries_per_batch_max": max((b["queries"] for b in batches), default=0),
        "seconds_per_batch": statistics.median(b["seconds"] for b in steady) if steady else 0,
        "queries": log.count,
        "query_seconds": log.seconds,
        "by_statement": {
            label: {"count": int(count), "seconds": total}
            for label, (count, total) in sorted(
                log.by_statement.items(), key=lambda item: -item[1][1]
            )
        },
        "rss_before_mb": rss_before,
        "rss_after_mb": memory.get("VmRSS", 0.0),
        "peak_rss_mb": peak,
        "peak_is_erasure_only": peak_reset,
        "profiled": profile,
        "profile": profiler,
    }


# --------------------------------------------------------------------------- checking


def fingerprint(user_ids: list[int]) -> dict[str, str]:
    """Hash the raw rows (ciphertexts as stored) of these people, table by table."""
    # The apps load only after django_setup() in main().
    from accounts.models import Address, User
    from consent.models import ConsentDecision
    from mail.models import OutboxMessage
    from orders.models import Order, OrderLine
    from subscriptions.models import Subscriber, Subscription

    q = connection.ops.quote_name
    ids = ",".join(str(int(pk)) for pk in user_ids)
    orders = f"SELECT id FROM {q(Order._meta.db_table)} WHERE customer_id IN ({ids})"  # noqa: S608
    subscribers = f"SELECT id FROM {q(Subscriber._meta.db_table)} WHERE user_id IN ({ids})"  # noqa: S608
    where = {
        User: f"id IN ({ids})",
        Address: f"user_id IN ({ids})",
        Order: f"customer_id IN ({ids})",
        OrderLine: f"order_id IN ({orders})",
        Subscriber: f"user_id IN ({ids})",
        Subscription: f"subscriber_id IN ({subscribers})",
        ConsentDecision: f"user_id IN ({ids})",
        OutboxMessage: f"recipient_id IN ({ids})",
    }
    prints = {}
    with connection.cursor() as cursor:
        for model, condition in where.items():
            table = model._meta.db_table
            cursor.execute(f"SELECT * FROM {q(table)} WHERE {condition} ORDER BY 1")  # noqa: S608
            rows = cursor.fetchall()
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
            prints[table] = f"{len(rows)} rows {digest}"
    return prints


def order_totals() -> dict[str, int]:
    # The apps load only after django_setup() in main().
    from orders.models import Order, OrderLine

    orders = Order.objects.aggregate(total=Sum("total"))
    lines = OrderLine.objects.aggregate(total=Sum(F("unit_price") * F("quantity")))
    return {
        "orders": Order.objects.count(),
        "orders_total": int(orders["total"] or 0),
        "lines": OrderLine.objects.count(),
        "lines_total": int(lines["total"] or 0),
    }


def check_sample(seeded: Seeded) -> list[str]:
    """Open the sampled erased accounts and their orders: no seeded plaintext may be left."""
    # The apps load only after django_setup() in main().
    from accounts.models import Address, User
    from consent.models import ConsentDecision
    from mail.models import OutboxMessage
    from orders.models import Order
    from rights.erasure.engine import ERASED_MAIL_DOMAIN
    from subscriptions.models import Subscriber

    problems = []
    sample = list(seeded.plaintext)
    users = {u.pk: u for u in User.objects.filter(pk__in=sample)}
    orders: dict[int, list[Order]] = {}
    for order in Order.objects.filter(customer_id__in=sample):
        orders.setdefault(order.customer_id, []).append(order)
    consents: dict[int, list[str]] = {}
    for user_id, consent_id in ConsentDecision.objects.filter(user_id__in=sample).values_list(
        "user_id", "consent_id"
    ):
        consents.setdefault(user_id, []).append(consent_id)
    for pk, seeded_values in seeded.plaintext.items():
        user = users[pk]
        values = {user.first_name, user.last_name, user.email, user.phone}
        for order in orders.get(pk, []):
            values |= {
                order.delivery_name,
                order.delivery_phone,
                order.delivery_street,
                order.delivery_notes,
            }
        plaintexts = [seeded_values[k] for k in ("first_name", "last_name", "email", "phone")]
        plaintexts.append(seeded_values["street"])
        left = [
            text
            for text in plaintexts
            if any(text.lower() in value.lower() for value in values if value)
        ]
        if left:
            problems.append(f"account {pk}: still readable after erasure: {left}")
        if user.is_active or is_password_usable(user.password):
            problems.append(f"account {pk}: may still sign in")
        if not user.email.endswith(f"@{ERASED_MAIL_DOMAIN}"):
            problems.append(f"account {pk}: email not replaced by a stand-in")
        if len(orders.get(pk, [])) != seeded_values["orders"]:
            problems.append(f"account {pk}: orders were deleted, not anonymised")
        if set(consents.get(pk, [])) & set(seeded_values["consent_ids"]):
            problems.append(f"account {pk}: cookie decision still carries its consent id")
        if User.objects.with_email(seeded_values["email"]).exists():
            problems.append(f"account {pk}: still found by its old address (blind index)")
    for model, column in (
        (Address, "user_id"),
        (Subscriber, "user_id"),
        (OutboxMessage, "recipient_id"),
    ):
        kept = model._default_manager.filter(**{f"{column}__in": sample}).count()
        if kept:
            problems.append(f"{kept} {model._meta.label} rows of sampled accounts left")
    return problems


def verify(
    *,
    seeded: Seeded,
    result: dict[str, Any],
    active_before: dict[str, str],
    totals_before: dict[str, int],
) -> dict[str, Any]:
    # The apps load only after django_setup() in main().
    from privacy.audit import audit_verify
    from privacy.models import AccessAction, AccessEntry
    from rights.inactivity.services import inactive_accounts
    from rights.models import ErasedSubject

    accounts = len(seeded.inactive)
    checks: list[tuple[str, bool, str]] = []

    erased = ErasedSubject.objects.filter(user_id__in=seeded.inactive).count()
    checks.append(("inactive accounts erased", erased == accounts, f"{erased:,} of {accounts:,}"))
    all_erased = ErasedSubject.objects.count()
    checks.append(("ErasedSubject rows", all_erased == accounts, f"{all_erased:,}"))
    left = inactive_accounts(now=timezone.now()).count()
    checks.append(("accounts still due afterwards", left == 0, f"{left:,}"))

    problems = check_sample(seeded)
    checks.append(
        (
            f"sample of {len(seeded.plaintext)} opened, no seeded plaintext",
            not problems,
            "; ".join(problems[:3]) + (f" (+{len(problems) - 3} more)" if len(problems) > 3 else "")
            if problems
            else "names, email, phone, street gone; orders kept",
        )
    )

    active_after = fingerprint(seeded.active)
    changed = [table for table in active_before if active_before[table] != active_after[table]]
    touched = ErasedSubject.objects.filter(user_id__in=seeded.active).count()
    checks.append(
        (
            f"{len(seeded.active):,} active accounts untouched",
            not changed and not touched,
            f"changed: {', '.join(changed)}; {touched} erased"
            if changed or touched
            else "raw rows identical before and after",
        )
    )

    totals_after = order_totals()
    checks.append(
        (
            "order totals unchanged",
            totals_after == totals_before,
            f"{totals_after['orders']:,} orders, {totals_after['orders_total']:,} lekë"
            + (f" (before: {totals_before})" if totals_after != totals_before else ""),
        )
    )

    started = time.perf_counter()
    chain = audit_verify()
    verify_s = time.perf_counter() - started
    entries = AccessEntry.objects.filter(
        action=AccessAction.ERASE, subject_id__in=seeded.inactive
    ).count()
    checks.append(
        (
            "access record intact",
            chain.intact,
            f"{chain.checked:,} entries checked in {verify_s:.1f} s"
            if chain.intact
            else f"broken at #{chain.first_bad_seq}: {chain.problem}",
        )
    )
    checks.append(("one erase entry per account", entries == accounts, f"{entries:,}"))
    checks.append(
        (
            "apply_retention counted them",
            result["selected"] == accounts and result["erased"] == accounts,
            f"selected {result['selected']:,}, erased {result['erased']:,}",
        )
    )
    return {
        "checks": [{"check": name, "ok": ok, "detail": detail} for name, ok, detail in checks],
        "ok": all(ok for _name, ok, _detail in checks),
        "totals_before": totals_before,
        "totals_after": totals_after,
    }


# --------------------------------------------------------------------------- output


def print_result(result: dict[str, Any], *, vendor: str) -> None:
    print()
    note = " (under cProfile: slower than without)" if result["profiled"] else ""
    print(
        f"retention_apply() on {vendor}: {result['erased']:,} accounts erased in "
        f"{result['seconds']:.2f} s{note}"
    )
    print(
        f"    accounts schedule {result['accounts_seconds']:.2f} s "
        f"(warn + select + {len(result['batches'])} batches of erase_people), the other "
        f"schedules {result['other_schedules_seconds']:.2f} s"
    )
    print(
        f"    per batch of {result['batches'][0]['accounts'] if result['batches'] else 0}: "
        f"{result['seconds_per_batch']:.2f} s, {result['queries_per_batch']:.0f} queries "
        f"(median; the first batch also selects the due accounts: "
        f"{result['batches'][0]['queries'] if result['batches'] else 0} queries, "
        f"{result['batches'][0]['seconds'] if result['batches'] else 0:.2f} s)"
    )
    share = 100 * result["query_seconds"] / result["seconds"] if result["seconds"] else 0
    print(
        f"    {result['queries']:,} queries, {result['query_seconds']:.2f} s waiting on the "
        f"database ({share:.0f} % of the run; the rest is Python)"
    )
    print("    statements by time spent in them (whole run):")
    print(f"      {'statement':<48}{'count':>8}{'seconds':>10}{'share':>8}")
    for label, row in list(result["by_statement"].items())[:14]:
        print(
            f"      {label:<48}{row['count']:>8,}{row['seconds']:>10.2f}"
            f"{100 * row['seconds'] / result['seconds']:>7.0f}%"
        )
    scope = "during the erasure" if result["peak_is_erasure_only"] else "of the whole process"
    print(
        f"    memory: RSS {result['rss_before_mb']:.0f} MB before, "
        f"{result['rss_after_mb']:.0f} MB after, peak {result['peak_rss_mb']:.0f} MB {scope}"
    )


def print_checks(verified: dict[str, Any]) -> None:
    print()
    print("checks after the run:")
    for check in verified["checks"]:
        mark = "ok    " if check["ok"] else "FAILED"
        print(f"    {mark} {check['check']}: {check['detail']}")


def print_summary(result: dict[str, Any]) -> None:
    aim = f"≥ {RATE_AIM:,.0f} accts/s"
    rows: list[Figure]
    if "error" in result:
        rows = [
            ("failed", "apply_retention", "FAILED", aim, None),
            ("error", f"    {result['error']}", "", "", None),
        ]
    else:
        rate = result["per_second"]
        label = f"apply_retention, {result['erased']:,} inactive accounts"
        queries = f"{result['queries_per_batch']:.0f}"
        checks = "all passed" if result["ok"] else "FAILED"
        rows = [
            ("rate", label, f"{rate:,.0f} accts/s", aim, rate >= RATE_AIM),
            ("queries", "    queries per batch of 500 (median)", queries, "", None),
            ("peak", "    peak RSS", f"{result['peak_rss_mb']:.0f} MB", "", None),
            ("checks", "    checks", checks, "", None),
        ]
    print_figures(rows, widths=(52, 18, 18))


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--accounts", type=int, default=10_000, help="inactive accounts to erase (10,000)"
    )
    parser.add_argument(
        "--active", type=int, default=1_000, help="active accounts that must stay (1,000)"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed of the data (7)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run retention_apply under cProfile and print the top functions (slows it)",
    )
    keep_db_option(parser, BENCH_DB)
    output_option(parser, "retention.json")
    args = parser.parse_args(argv)
    if args.accounts < SAMPLE:
        parser.error(f"--accounts must be at least {SAMPLE}")
    if args.active < 1:
        parser.error("--active must be at least 1")
    return args


def run(args: argparse.Namespace, database: Database) -> dict[str, Any]:
    say("migrating")
    migrate()
    say(f"seeding {args.accounts:,} inactive and {args.active:,} active customers (bulk_create)")
    seeded = seed(accounts=args.accounts, active=args.active, rng=random.Random(args.seed))
    counts = ", ".join(f"{n:,} {name}" for name, n in seeded.counts.items())
    say(f"seeded in {seeded.seconds:.1f} s: {counts}")
    analyse()
    active_before = fingerprint(seeded.active)
    totals_before = order_totals()

    say(f"timing retention_apply() over {args.accounts:,} due accounts")
    seeded_counts = {"seconds": seeded.seconds, **seeded.counts}
    try:
        result = measure(accounts=args.accounts, profile=args.profile)
    except Exception as exc:  # noqa: BLE001 - reported as the run's outcome
        # retention_apply's transaction rolled back: nothing was erased.
        error = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        say(f"retention_apply() FAILED: {error}")
        connections.close_all()
        return {"seeded": seeded_counts, "error": error, "ok": False}
    profiler = result.pop("profile")
    print_result(result, vendor=database.vendor)
    if profiler is not None:
        common.print_profile(
            profiler, title="\n--- cProfile of retention_apply, by {order}:", top=30
        )
    verified = verify(
        seeded=seeded, result=result, active_before=active_before, totals_before=totals_before
    )
    print_checks(verified)
    connections.close_all()
    return {"seeded": seeded_counts, **result, **verified}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="fejzo-bench-retention-") as workdir:
        database = create_database(keep_db=args.keep_db, workdir=Path(workdir))
        say(f"database: {database.shown}")
        try:
            django_setup(database.url)
            results = run(args, database)
        finally:
            connections.close_all()
            database.drop()

    print_summary(results)
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()
    print(
        f"{run_time_note(elapsed, load_before, load_after)} The rate is absolute: rerun on a "
        "quiet machine before trusting a miss."
    )
    if results.get("per_second", RATE_AIM) < RATE_AIM and not args.profile:
        print("Rerun with --profile (say --accounts 1000 --profile) to see where the time goes.")

    report = {
        **report_head(load_before, load_after),
        "database": database.vendor,
        "settings": SETTINGS,
        "aims": {"accounts_per_second_min": RATE_AIM},
        "run_time_s": elapsed,
        **results,
    }
    report_write(args.output, report)
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
