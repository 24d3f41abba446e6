"""What the benchmarks share: messages, PostgreSQL databases of their own, Django set up
against them, sample people, /proc readings, the aims table and the JSON report.

Imported by the scripts in bench/ once they have put the checkout root first on sys.path;
it imports no app of the shop, so it loads before Django is set up.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import itertools
import json
import os
import platform
import pstats
import shutil
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit, urlunsplit

import django
import psycopg
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
SETTINGS = "config.settings.bench"
HOST = "127.0.0.1"
PG_PASSWORD = "postgres"  # noqa: S105 - the local benchmark cluster only
PG_SOCKET_DIR = "/var/run/postgresql"


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def fail(message: str) -> NoReturn:
    print(f"[bench] error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


# --------------------------------------------------------------------------- an SMTP sink


class SmtpSinkSession(asyncio.Protocol):
    """Just enough ESMTP for smtplib: every command accepted, each message handed whole to
    `message()` with the RCPT addresses as sent. A message whose DATA never ends (its
    sender was killed) is never handed on. The benchmarks' sinks say what they keep."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.in_data = False
        self.recipients: list[bytes] = []
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(b"220 sink ESMTP\r\n")

    def message(self, recipients: list[bytes], body: bytes) -> None:
        """One message arrived: `body` as on the wire, up to its final CRLF."""

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        write = self.transport.write
        buffer = self.buffer
        buffer += data
        while buffer:
            if self.in_data:
                end = buffer.find(b"\r\n.\r\n")
                if end < 0:
                    return
                body = bytes(buffer[: end + 2])
                del buffer[: end + 5]
                self.in_data = False
                self.message(self.recipients, body)
                self.recipients = []
                write(b"250 OK queued\r\n")
                continue
            end = buffer.find(b"\r\n")
            if end < 0:
                return
            line = bytes(buffer[:end])
            del buffer[: end + 2]
            verb = line[:4].upper()
            if verb == b"EHLO":
                write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == b"RCPT":
                self.recipients.append(line.partition(b":")[2].strip())
                write(b"250 OK\r\n")
            elif verb == b"DATA":
                self.in_data = True
                write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            elif verb == b"QUIT":
                write(b"221 Bye\r\n")
                self.transport.close()
                return
            elif verb == b"RSET":
                self.recipients = []
                write(b"250 OK\r\n")
            elif verb in (b"HELO", b"MAIL", b"NOOP"):
                write(b"250 OK\r\n")
            else:
                write(b"502 Not implemented\r\n")


# --------------------------------------------------------------------------- PostgreSQL


def postgres_version() -> str:
    """Return the newest PostgreSQL major version with a cluster or binaries here."""
    versions: list[str] = []
    if shutil.which("pg_lsclusters"):
        out = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
        versions = [line.split()[0] for line in out.splitlines() if line.split()[1:2] == ["main"]]
    if not versions:
        base = Path("/usr/lib/postgresql")
        versions = [p.name for p in base.iterdir() if (p / "bin").is_dir()] if base.is_dir() else []
    if not versions:
        fail(
            "PostgreSQL is not installed and DATABASE_URL is not set. Install it "
            "(Debian: `apt-get install -y postgresql`) or set DATABASE_URL to a PostgreSQL "
            "database the benchmark may fill."
        )
    return max(versions, key=lambda v: [int(x) for x in v.split(".") if x.isdigit()])


def psql_as_postgres(sql: str) -> None:
    if is_root():
        command = ["runuser", "-u", "postgres", "--", "psql"]
    else:
        command = ["psql", "-U", "postgres"]
    command += ["-h", PG_SOCKET_DIR, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres"]
    result = subprocess.run([*command, "-c", sql], capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"psql failed on {sql!r}: {result.stderr.strip()}")


def ensure_local_postgres(*, keep_db: bool, name: str) -> str:
    """Start the local cluster, (re)create the benchmark database `name`; return its URL."""
    version = postgres_version()
    if shutil.which("pg_ctlcluster"):
        subprocess.run(["pg_ctlcluster", version, "main", "start"], capture_output=True)
    for _ in range(60):
        ready = subprocess.run(["pg_isready", "-q", "-h", PG_SOCKET_DIR], capture_output=True)
        if ready.returncode == 0:
            break
        time.sleep(0.5)
    else:
        fail(f"PostgreSQL {version} did not start; see /var/log/postgresql/.")
    say(f"PostgreSQL {version} is up")
    # Password login over 127.0.0.1, so gunicorn need not run as the postgres user.
    psql_as_postgres(f"ALTER USER postgres PASSWORD '{PG_PASSWORD}'")
    if not keep_db:
        say(f"recreating database {name}")
        psql_as_postgres(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        psql_as_postgres(f"CREATE DATABASE {name}")
    return f"postgres://postgres:{PG_PASSWORD}@{HOST}:5432/{name}"


def without_password(url: str) -> str:
    """Return a database URL fit to print."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def wait_for_postgres(url: str) -> None:
    """Wait until the server `url` names answers; start the local cluster if it is down."""
    if urlsplit(url).hostname in ("127.0.0.1", "localhost") and shutil.which("pg_ctlcluster"):
        subprocess.run(
            ["pg_ctlcluster", postgres_version(), "main", "start"], capture_output=True, check=False
        )
    for _ in range(60):
        ready = subprocess.run(["pg_isready", "-q", "-d", url], capture_output=True, check=False)
        if ready.returncode == 0:
            return
        time.sleep(0.5)
    fail(f"PostgreSQL at {without_password(url)} does not answer")


def admin_sql(server_url: str, sql: str) -> None:
    """Run `sql` on the `postgres` database of the server `server_url` names (autocommit)."""
    admin = urlunsplit(urlsplit(server_url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@dataclass
class Database:
    """The database a benchmark fills, and how to drop it afterwards."""

    url: str
    vendor: str
    drop: Callable[[], None]
    shown: str


def sqlite_database(path: Path) -> Database:
    """A SQLite file in the benchmark's temporary directory: it goes with the directory."""
    return Database(
        url=f"sqlite:///{path}", vendor="sqlite", drop=lambda: None, shown=f"SQLite {path}"
    )


def postgres_database(name: str, *, keep_db: bool, server_url: str = "") -> Database:
    """Create the database `name` afresh: on the server `server_url` names, or without it on
    the local cluster (started, and the postgres role given its password). Dropped again by
    `drop()` unless `keep_db`; the database `server_url` names is never written to."""
    if not server_url:
        url = ensure_local_postgres(keep_db=False, name=name)
    else:
        parts = urlsplit(server_url)
        if parts.path.lstrip("/") == name:
            fail(f"DATABASE_URL names {name}, the database this benchmark drops")
        url = urlunsplit(parts._replace(path=f"/{name}"))
        wait_for_postgres(server_url)
        admin_sql(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin_sql(url, f"CREATE DATABASE {name}")

    def drop() -> None:
        if keep_db:
            say(f"database {name} kept")
            return
        admin_sql(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        say(f"database {name} dropped")

    return Database(
        url=url, vendor="postgresql", drop=drop, shown=f"PostgreSQL {without_password(url)}"
    )


# --------------------------------------------------------------------------- Django


def django_setup(
    database_url: str,
    *,
    settings_module: str = SETTINGS,
    environ: dict[str, str] | None = None,
    apps: Sequence[str] = (),
) -> None:
    """Set Django up in this process, with the bench settings, on `database_url`.

    `environ` adds to what the settings read; `apps` are installed in this process only,
    before "staff", which must come after every app with models (staff.apps).
    """
    os.environ.update(environ or {})
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ["DATABASE_URL"] = database_url
    # Static files are not served here; whitenoise need not warn that none were collected.
    warnings.filterwarnings("ignore", message="No directory at")
    if apps:
        installed = list(settings.INSTALLED_APPS)
        position = installed.index("staff")
        settings.INSTALLED_APPS = [*installed[:position], *apps, *installed[position:]]
    django.setup()


def migrate() -> None:
    call_command("migrate", interactive=False, verbosity=0)


# --------------------------------------------------------------------------- data

FIRST_NAMES = (
    "Arbër", "Besa", "Dritan", "Elira", "Fatjon", "Gentiana", "Ilir", "Jonida", "Klevis",
    "Lindita", "Mirela", "Ndriçim", "Orkida", "Përparim", "Rezarta", "Sokol", "Teuta",
    "Valbona", "Xhevdet", "Zamira",
)  # fmt: skip
LAST_NAMES = (
    "Hoxha", "Shehu", "Krasniqi", "Gjoka", "Leka", "Dervishi", "Çela", "Marku", "Bregu",
    "Kola", "Duka", "Prifti", "Llaci", "Mema", "Zeneli", "Koçi", "Rama", "Topalli", "Hysa",
    "Lushi",
)  # fmt: skip
ASCII_LETTERS = str.maketrans({"ë": "e", "ç": "c"})


def person(index: int) -> dict[str, str]:
    """Return the name, email and phone of sample person number `index` (the same every run)."""
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    return {
        "email": f"{first}.{last}.{index}@example.al".translate(ASCII_LETTERS).lower(),
        "first_name": first,
        "last_name": last,
        "phone": f"+35569{index % 10_000_000:07d}",
    }


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# --------------------------------------------------------------------------- measuring


def proc_memory(pid: int | str = "self") -> dict[str, float]:
    """VmRSS and VmHWM of a process (this one by default), in MB (MiB)."""
    values: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0]) / 1024
    except OSError:
        pass
    return values


def print_profile(profiler: cProfile.Profile, *, title: str, top: int) -> None:
    """Print the profile's top functions by own time, then by cumulative time; `title`
    heads each list, with {order} standing for the order."""
    for order in ("tottime", "cumulative"):
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats(order).print_stats(top)
        text = buffer.getvalue()
        print(title.format(order=order))
        print(text[text.find("   ncalls") :].rstrip())


# --------------------------------------------------------------------------- options


def quick_option(parser: argparse.ArgumentParser, quick: dict[str, int]) -> None:
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller sizes for a quick run: "
        + ", ".join(f"--{name} {value:,}" for name, value in quick.items()),
    )


def sizes_fill(args: argparse.Namespace, *, full: dict[str, int], quick: dict[str, int]) -> None:
    """Give every size the command line left out its full (or with --quick, quick) value."""
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)


def output_option(parser: argparse.ArgumentParser, filename: str) -> None:
    parser.add_argument(
        "--output", type=Path, default=RESULTS_DIR / filename, help="JSON results file"
    )


def keep_db_option(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "--keep-db", action="store_true", help=f"leave the database {name} for inspection"
    )


# --------------------------------------------------------------------------- report

# One row of the figures table: key, label, measured, aim, and whether the aim is met
# (None: the row has no aim; it explains the row above it).
Figure = tuple[str, str, str, str, bool | None]


def print_figures(rows: list[Figure], *, widths: tuple[int, int, int]) -> list[str]:
    """Print the figures beside their aims; return the keys of those missed."""
    label_width, measured_width, aim_width = widths
    header = f"{'figure':<{label_width}}{'measured':>{measured_width}}{'aim':>{aim_width}}"
    print()
    print(header)
    print("-" * (len(header) + 12))
    for _key, label, measured, aim, met in rows:
        verdict = "" if met is None else "ok" if met else "MISSES AIM" if aim else ""
        print(
            f"{label:<{label_width}}{measured:>{measured_width}}{aim:>{aim_width}}  "
            f"{verdict}".rstrip()
        )
    print("-" * (len(header) + 12))
    return [key for key, *_rest, met in rows if met is False]


def run_time_note(elapsed: float, load_before: Sequence[float], load_after: Sequence[float]) -> str:
    """Return how long the run took and how busy the machine was, to print under it."""
    return (
        f"run time {elapsed:.0f} s; load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after ({os.cpu_count()} CPUs)."
    )


def git_revision() -> str:
    """Return the checkout's short revision, "+dirty" when files changed; "unknown" when
    BENCH_NO_GIT is set (a run beside others working in the same checkout)."""
    if os.environ.get("BENCH_NO_GIT"):
        return "unknown"
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    revision = result.stdout.strip() or "unknown"
    return revision + ("+dirty" if dirty.stdout.strip() else "")


def report_head(load_before: Sequence[float], load_after: Sequence[float]) -> dict[str, Any]:
    """Return what every benchmark's JSON report starts with: when, which code, which machine."""
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_revision": git_revision(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_before": load_before[0],
            "load_average_after": load_after[0],
        },
    }


def report_write(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    say(f"results written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
