"""Campaign benchmark: how fast real workers send a marketing campaign, and their memory.

Prints in one run, for a campaign of 100,000 recipients sent by real `db_worker`
processes (bench/campaign_rig.py) to a counting SMTP sink in a process of its own:
(a) messages per second with one worker, and with two workers in total;
(b) the peak memory (VmHWM) of a worker in each run, beside that of a worker sending a
    smaller campaign (10,000), to show it does not grow with the campaign.
Run with ``make bench-campaign``; see bench/README.md. Prints figures; it is not a
pass/fail test.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import io
import multiprocessing
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path; the checkout root takes its place, so
# that the apps import as they do in the shop.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from bench.campaign_rig import Rig  # noqa: E402
from bench.common import (  # noqa: E402
    HOST,
    Figure,
    SmtpSinkSession,
    fail,
    output_option,
    print_figures,
    proc_memory,
    quick_option,
    report_head,
    report_write,
    run_time_note,
    say,
    sizes_fill,
    wait_for_postgres,
    without_password,
)

DEFAULT_DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:5432/fejzo"

RATE_AIM = 300.0  # messages per second, all workers together, on the 2-core machine
RSS_AIM_MB = 300.0  # peak resident memory of one worker, whatever the campaign size
TASK_SECONDS = 20  # the production CAMPAIGN_TASK_SECONDS (the rig's default is 2)
LEASE_SECONDS = 120  # the production CAMPAIGN_LEASE_SECONDS
SAMPLE_SECONDS = 0.5  # how often the driver reads the sink's counter and /proc
STALL_SECONDS = 90.0  # no message for this long: the run is given up
ERROR_STALL_SECONDS = 15.0  # … or for this long while the workers log errors
WORKER_IDLE_SECONDS = 1.0  # a worker nearly idle for this long has started
OTHERS_WARN_CORES = 0.10  # other processes busier than this: the machine was not quiet
QUIET_SECONDS = 3.0  # how long the machine must be quiet before a run starts

FULL = {"recipients": 100_000, "small": 10_000}
QUICK = {"recipients": 10_000, "small": 1_000}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- the sink


class SinkSession(SmtpSinkSession):
    """Every message counted, nothing parsed or kept: the sink should cost as little CPU
    as a remote server would cost this machine (nothing), since it shares the two cores
    with the workers."""

    def __init__(self, stats: SinkStats) -> None:
        super().__init__()
        self.stats = stats

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.stats.connections += 1
        super().connection_made(transport)

    def message(self, recipients: list[bytes], body: bytes) -> None:
        self.stats.received(recipients)


@dataclass
class SinkStats:
    """Counters in shared memory (read live by the driver) and per-address counts."""

    shared: Any  # RawArray("d", 3): messages, first and last arrival (time.time())
    connections: int = 0
    per_address: collections.Counter[bytes] = field(default_factory=collections.Counter)

    def received(self, recipients: list[bytes]) -> None:
        now = time.time()
        shared = self.shared
        if shared[0] == 0:
            shared[1] = now
        shared[0] += 1
        shared[2] = now
        for address in recipients:
            self.per_address[address] += 1

    def summary(self) -> dict[str, Any]:
        counts = self.per_address.values()
        return {
            "messages": int(self.shared[0]),
            "addresses": len(self.per_address),
            "duplicates": sum(n - 1 for n in counts if n > 1),
            "connections": self.connections,
            "cpu_s": time.process_time(),
        }


def sink_main(control: Connection, shared: Any) -> None:
    """The sink process: serve on a free port, answer "stop" with the summary."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    stats = SinkStats(shared)

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SinkSession(stats), HOST, 0)
        stopped = loop.create_future()

        def on_control() -> None:
            if control.recv() == "stop" and not stopped.done():
                stopped.set_result(None)

        loop.add_reader(control.fileno(), on_control)
        control.send(server.sockets[0].getsockname()[1])
        await stopped
        server.close()
        control.send(stats.summary())

    asyncio.run(serve())


class SinkProcess:
    """The counting SMTP sink in a process of its own, so it does not share our GIL."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self.shared = context.RawArray("d", 3)
        self.control, child = context.Pipe()
        self.process = context.Process(target=sink_main, args=(child, self.shared), daemon=True)
        self.port = 0
        self.result: dict[str, Any] = {}

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:{self.port}?timeout=30"

    @property
    def messages(self) -> int:
        return int(self.shared[0])

    @property
    def first_at(self) -> float:
        return float(self.shared[1])

    @property
    def last_at(self) -> float:
        return float(self.shared[2])

    def __enter__(self) -> SinkProcess:
        self.process.start()
        if not self.control.poll(20):
            fail("the SMTP sink did not start")
        self.port = self.control.recv()
        return self

    def stop(self) -> dict[str, Any]:
        if not self.result and self.process.is_alive():
            self.control.send("stop")
            if self.control.poll(20):
                self.result = self.control.recv()
        return self.result

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


# --------------------------------------------------------------------------- /proc


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # without guest time, already counted in user
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


def process_table() -> dict[int, tuple[str, float]]:
    """Every process: its name and CPU seconds so far."""
    table: dict[int, tuple[str, float]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.find("(") + 1 : text.rfind(")")]
        fields = text.rpartition(")")[2].split()
        table[int(entry.name)] = (name, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return table


class CpuMeter:
    """CPU seconds used between `start` and the last `sample`, by group of processes.

    Sampled often (every SAMPLE_SECONDS), so that short-lived processes, such as the
    PostgreSQL backend of each task's connection, are counted too: a process that ends
    between two samples loses only what it used since the last one.
    """

    GROUPS = ("workers", "postgresql", "sink", "driver", "others")

    def __init__(self, *, workers: list[int], sink: int) -> None:
        self.workers = workers
        self.sink = sink
        self.seen: dict[int, float] = {}
        self.per_worker = dict.fromkeys(workers, 0.0)
        self.groups = dict.fromkeys(self.GROUPS, 0.0)
        self.others: dict[str, float] = collections.defaultdict(float)
        self.started_at = self.sampled_at = 0.0
        self.busy_at_start = self.busy = 0.0

    def group(self, pid: int, name: str) -> str:
        if pid in self.per_worker:
            return "workers"
        if pid == self.sink:
            return "sink"
        if name == "postgres":
            return "postgresql"
        return "driver" if pid == os.getpid() else "others"

    def start(self) -> None:
        self.seen = {pid: cpu for pid, (_name, cpu) in process_table().items()}
        self.started_at = self.sampled_at = time.time()
        self.busy_at_start = self.busy = machine_cpu()[0]

    def sample(self) -> None:
        table = process_table()
        for pid, (name, cpu) in table.items():
            # A process born since the last sample used all its CPU in the window.
            used = cpu - self.seen.get(pid, 0.0)
            group = self.group(pid, name)
            self.groups[group] += used
            if group == "workers":
                self.per_worker[pid] += used
            elif group == "others":
                self.others[name] += used
        self.seen = {pid: cpu for pid, (_name, cpu) in table.items()}
        self.sampled_at = time.time()
        self.busy = machine_cpu()[0]

    @property
    def seconds(self) -> float:
        return self.sampled_at - self.started_at

    def cores(self) -> dict[str, Any]:
        """Each group's CPU as cores busy on average (CPU seconds per second)."""
        seconds = self.seconds or 1.0
        return {
            "each_worker": [cpu / seconds for cpu in self.per_worker.values()],
            **{name: cpu / seconds for name, cpu in self.groups.items()},
            "machine": (self.busy - self.busy_at_start) / seconds,
            "busiest_others": [
                (name, cpu / seconds)
                for name, cpu in sorted(self.others.items(), key=lambda item: -item[1])[:3]
                if cpu > 0
            ],
        }


# --------------------------------------------------------------------------- one run


class RunFailed(Exception):
    """One run could not finish; the others still run."""


class BenchRig(Rig):
    """The rig with production lease and task times, the workers' output going to a log
    file instead of our terminal."""

    def __init__(
        self, workdir: Path, *, email_url: str, database_url: str | None, log_path: Path
    ) -> None:
        super().__init__(
            workdir,
            email_url=email_url,
            database_url=database_url,
            lease_seconds=LEASE_SECONDS,
            task_seconds=TASK_SECONDS,
        )
        self.log_path = log_path
        # The workers' INFO lines (a task started, a task finished) are noise here.
        self.env["LOG_LEVEL"] = os.environ.get("LOG_LEVEL", "WARNING")

    def start_worker(self) -> subprocess.Popen[bytes]:
        # The worker inherits our stdout and stderr: point them at the log while it starts.
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        with open(self.log_path, "ab") as log:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            try:
                return super().start_worker()
            finally:
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
                os.close(saved[0])
                os.close(saved[1])


def log_errors(path: Path, offset: int) -> list[str]:
    """The ERROR (and worse) lines the workers logged after `offset` bytes."""
    try:
        with open(path, "rb") as log:
            log.seek(offset)
            text = log.read().decode(errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if " ERROR " in line or " CRITICAL " in line]


def log_tail_error(path: Path, offset: int) -> str:
    """The last exception line (`SomeError: message`) the workers logged after `offset`."""
    with open(path, "rb") as log:
        log.seek(offset)
        lines = log.read().decode(errors="replace").splitlines()
    for line in reversed(lines):
        if line and not line.startswith((" ", "\t")) and "Error" in line.partition(":")[0]:
            return line.strip()
    return lines[-1].strip() if lines else ""


def wait_for_quiet(*, sink: int, timeout: float) -> float:
    """Wait (up to `timeout` s) until other processes use under OTHERS_WARN_CORES for
    QUIET_SECONDS; return the cores they used in the last such period."""
    deadline = time.monotonic() + timeout
    said = False
    while True:
        meter = CpuMeter(workers=[], sink=sink)
        meter.start()
        time.sleep(QUIET_SECONDS)
        meter.sample()
        cores = meter.cores()
        quiet = cores["others"] < OTHERS_WARN_CORES
        if quiet or time.monotonic() >= deadline:
            if said:
                still = "now" if quiet else f"still, after {timeout:.0f} s,"
                say(f"  other processes {still} use {cores['others']:.2f} of a core; going on")
            return float(cores["others"])
        if not said:
            busiest = ", ".join(f"{name} {c:.2f}" for name, c in cores["busiest_others"])
            say(
                f"  other processes use {cores['others']:.2f} of a core ({busiest}); "
                f"waiting up to {timeout:.0f} s for a quiet machine"
            )
            said = True


def wait_until_idle(pids: list[int], *, timeout: float = 60) -> float:
    """Wait until every worker has started: each used under 15 % of a core for a second
    (an idle worker polls the queue every 0.1 s); return the seconds waited."""
    started = time.monotonic()
    last = [proc_cpu(pid) for pid in pids]
    while time.monotonic() - started < timeout:
        time.sleep(WORKER_IDLE_SECONDS)
        now = [proc_cpu(pid) for pid in pids]
        if all(b - a < 0.15 * WORKER_IDLE_SECONDS for a, b in zip(last, now, strict=True)):
            break
        last = now
    return time.monotonic() - started


def run_case(
    *,
    label: str,
    recipients: int,
    workers: int,
    server_url: str | None,
    log_path: Path,
    quiet_timeout: float,
) -> dict[str, Any]:
    """Send one campaign on a fresh rig database; return its figures."""
    say(f"{label}: {recipients:,} recipients, {workers} worker(s), fresh database")
    log_offset = log_path.stat().st_size if log_path.exists() else 0
    with tempfile.TemporaryDirectory(prefix="fejzo-bench-campaign-") as tmp, SinkProcess() as sink:
        rig = BenchRig(Path(tmp), email_url=sink.url, database_url=server_url, log_path=log_path)
        try:
            began = time.perf_counter()
            rig.create()
            created_s = time.perf_counter() - began
            began = time.perf_counter()
            rig.command("seed", "--subscribers", str(recipients))
            seeded_s = time.perf_counter() - began
            say(f"  migrated in {created_s:.1f} s, seeded {recipients:,} in {seeded_s:.1f} s")

            if quiet_timeout > 0:
                wait_for_quiet(sink=sink.process.pid or 0, timeout=quiet_timeout)
            processes = [rig.start_worker() for _ in range(workers)]
            pids = [p.pid for p in processes]
            ready_s = wait_until_idle(pids)
            idle_rss = [proc_memory(pid).get("VmRSS", 0.0) for pid in pids]
            say(
                f"  {workers} worker(s) up and idle after {ready_s:.1f} s "
                f"(RSS {', '.join(f'{r:.0f}' for r in idle_rss)} MB); starting the campaign"
            )
            meter = CpuMeter(workers=pids, sink=sink.process.pid or 0)
            started_at = time.time()
            campaign = rig.command("start")
            start_returned_at = time.time()
            if campaign["recipients"] != recipients:
                raise RunFailed(
                    f"the campaign has {campaign['recipients']} recipients, not {recipients}"
                )

            window_first = 0
            peak_rss = [0.0] * workers
            progress_at = time.monotonic()
            seen = 0
            next_note = time.monotonic() + 15
            while True:
                time.sleep(SAMPLE_SECONDS)
                for i, pid in enumerate(pids):
                    peak_rss[i] = max(peak_rss[i], proc_memory(pid).get("VmRSS", 0.0))
                count = sink.messages
                if not window_first and count > 0:
                    # CPU is measured from the first sample that saw a message.
                    window_first = count
                    meter.start()
                elif window_first:
                    meter.sample()
                if count != seen:
                    seen, progress_at = count, time.monotonic()
                if count >= recipients:
                    break
                dead = [p.pid for p in processes if p.poll() is not None]
                if dead:
                    raise RunFailed(f"worker(s) {dead} exited during the run; see {log_path}")
                stalled = time.monotonic() - progress_at
                if stalled > STALL_SECONDS or (
                    stalled > ERROR_STALL_SECONDS and log_errors(log_path, log_offset)
                ):
                    raise RunFailed(
                        f"no message for {stalled:.0f} s at {count:,} of {recipients:,}; "
                        f"the workers logged {len(log_errors(log_path, log_offset)):,} errors, "
                        f"the last: {log_tail_error(log_path, log_offset)!r} (see {log_path})"
                    )
                if time.monotonic() >= next_note:
                    span = max(sink.last_at - sink.first_at, 1e-9)
                    say(f"  {count:,} sent, {count / span:,.0f} msg/s so far")
                    next_note += 15
            window = sink.messages - window_first
            # The campaign is "sent" once the last task finds nothing left; wait for it.
            status: dict[str, Any] = {}
            for _ in range(30):
                status = rig.command("status", "--campaign", str(campaign["campaign"]))
                if status["status"] == "sent":
                    break
                time.sleep(1)
            memory = [proc_memory(pid) for pid in pids]  # before the workers stop
            cpu_total = [proc_cpu(pid) for pid in pids]
        finally:
            rig.destroy()
        received = sink.stop()

    messages = received["messages"]
    span = sink.last_at - sink.first_at
    errors = log_errors(log_path, log_offset)
    result = {
        "label": label,
        "recipients": recipients,
        "workers": workers,
        "messages": messages,
        "addresses": received["addresses"],
        "duplicates": received["duplicates"],
        "smtp_connections": received["connections"],
        "status": status.get("status"),
        "delivery_counts": status.get("counts"),
        "worker_errors": len(errors),
        "seed_s": seeded_s,
        "first_message_after_start_s": sink.first_at - started_at,
        "start_command_s": start_returned_at - started_at,
        "send_s": span,
        "per_second": messages / span if span > 0 else 0.0,
        "start_to_last_s": sink.last_at - started_at,
        "per_second_from_start": messages / (sink.last_at - started_at),
        "worker_idle_rss_mb": idle_rss,
        "worker_peak_rss_mb": [m.get("VmHWM", 0.0) for m in memory],
        "worker_sampled_peak_rss_mb": peak_rss,
        "worker_final_rss_mb": [m.get("VmRSS", 0.0) for m in memory],
        "worker_cpu_s": cpu_total,
        "window_messages": window,
        "window_s": meter.seconds,
        "cpu_ms_per_message": {
            name: cpu / window * 1000 for name, cpu in meter.groups.items() if window
        },
        "cores_busy": meter.cores(),
    }
    print_case(result)
    return result


def print_case(r: dict[str, Any]) -> None:
    peaks = ", ".join(f"{m:.0f}" for m in r["worker_peak_rss_mb"])
    idle = ", ".join(f"{m:.0f}" for m in r["worker_idle_rss_mb"])
    ms = r["cpu_ms_per_message"]
    cores = r["cores_busy"]
    each = " + ".join(f"{c:.2f}" for c in cores["each_worker"])
    counts = ", ".join(f"{n:,} {state}" for state, n in sorted(r["delivery_counts"].items()))
    say(
        f"  the sink received {r['messages']:,} messages for {r['addresses']:,} addresses "
        f"({r['duplicates']} duplicates) over {r['smtp_connections']} SMTP connections; "
        f"campaign {r['status']} ({counts}); {r['worker_errors']} errors in the worker log"
    )
    say(
        f"  {r['per_second']:,.0f} msg/s over {r['send_s']:.1f} s from the first message to "
        f"the last ({r['per_second_from_start']:,.0f} msg/s counting from the start command; "
        f"first message {r['first_message_after_start_s']:.1f} s after it)"
    )
    say(f"  worker RSS: idle {idle} MB, peak (VmHWM) {peaks} MB")
    say(
        f"  CPU ms per message: workers {ms['workers']:.2f}, PostgreSQL {ms['postgresql']:.2f}, "
        f"sink {ms['sink']:.2f}"
    )
    say(
        f"  cores busy: workers {each}, PostgreSQL {cores['postgresql']:.2f}, sink "
        f"{cores['sink']:.2f}, other processes {cores['others']:.2f}, whole machine "
        f"{cores['machine']:.2f} of {os.cpu_count()}"
    )
    if cores["others"] > OTHERS_WARN_CORES:
        say(
            f"  warning: other processes used {cores['others']:.2f} of a core during this "
            "run, its rate is lower than on a quiet machine ("
            + ", ".join(f"{name} {c:.2f}" for name, c in cores["busiest_others"])
            + ")"
        )


# --------------------------------------------------------------------------- profile


def profile_child(args: argparse.Namespace) -> int:
    """In the rig's environment: cProfile `campaign_drain` in this process."""
    django.setup()
    # The engine loads the models: only once Django is set up, in the rig's environment.
    from campaigns.engine import campaign_drain

    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    result = campaign_drain(args.profile_child, seconds=3600)
    profiler.disable()
    elapsed = time.perf_counter() - began
    sent = max(result.sent, 1)
    print(
        f"campaign_drain: {result.sent:,} sent in {elapsed:.2f} s under cProfile, "
        f"{elapsed / sent * 1000:.2f} ms per message ({sent / elapsed:,.0f} msg/s)"
    )
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    print(out.getvalue())
    return 0


def run_profile(*, recipients: int, server_url: str | None, log_path: Path) -> None:
    say(f"profile: campaign_drain of {recipients:,} recipients in one process, cProfile")
    with tempfile.TemporaryDirectory(prefix="fejzo-bench-campaign-") as tmp, SinkProcess() as sink:
        rig = BenchRig(Path(tmp), email_url=sink.url, database_url=server_url, log_path=log_path)
        try:
            rig.create()
            rig.command("seed", "--subscribers", str(recipients))
            campaign = rig.command("start")  # no worker runs: the queued tasks stay queued
            subprocess.run(  # noqa: S603 - fixed arguments
                [sys.executable, __file__, "--profile-child", str(campaign["campaign"])],
                cwd=ROOT,
                env=rig.env,
                check=True,
            )
        finally:
            rig.destroy()


# --------------------------------------------------------------------------- summary


def print_summary(results: dict[str, Any]) -> list[str]:
    """Print the figures beside their aims; return the keys of those missed."""
    rate_aim = f"≥ {RATE_AIM:,.0f} msg/s"
    rss_aim = f"≤ {RSS_AIM_MB:,.0f} MB"
    rows: list[Figure] = []
    for run in results["runs"]:
        if "error" in run:
            rows.append(
                (
                    f"failed-{run['label']}",
                    f"{run['workers']} worker(s), {run['recipients']:,} recipients",
                    "FAILED",
                    "",
                    False,
                )
            )
    runs = {r["label"]: r for r in results["runs"] if "error" not in r}
    one, two, small = runs.get("one"), runs.get("two"), runs.get("small")
    if one:
        rows.append(
            (
                "rate-1",
                f"(a) 1 worker, {one['recipients']:,} recipients",
                f"{one['per_second']:,.0f} msg/s",
                rate_aim,
                one["per_second"] >= RATE_AIM,
            )
        )
    if two:
        rows.append(
            (
                "rate-2",
                f"(a) 2 workers, {two['recipients']:,} recipients, total",
                f"{two['per_second']:,.0f} msg/s",
                rate_aim,
                two["per_second"] >= RATE_AIM,
            )
        )
    if one and two and one["per_second"]:
        rows.append(
            (
                "scaling",
                "    2 workers / 1 worker",
                f"{two['per_second'] / one['per_second']:.2f}×",
                "",
                None,
            )
        )
    for key, run in (("rss-small", small), ("rss-1", one), ("rss-2", two)):
        if run is None:
            continue
        peak = max(run["worker_peak_rss_mb"])
        which = f"{run['workers']} workers, larger" if run["workers"] > 1 else "1 worker"
        rows.append(
            (
                key,
                f"(b) peak RSS, {which}, {run['recipients']:,} recipients",
                f"{peak:,.0f} MB",
                rss_aim,
                peak <= RSS_AIM_MB,
            )
        )
    if small and one:
        growth = max(one["worker_peak_rss_mb"]) - max(small["worker_peak_rss_mb"])
        rows.append(
            (
                "growth",
                f"    {one['recipients']:,} vs {small['recipients']:,} recipients",
                f"{growth:+,.1f} MB",
                "flat",
                None,
            )
        )
    return print_figures(rows, widths=(54, 14, 16))


# --------------------------------------------------------------------------- main


def database_server(args: argparse.Namespace) -> str | None:
    """The PostgreSQL server the rig databases go on (None: SQLite files)."""
    if args.sqlite:
        return None
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith("postgres"):
        fail(
            "DATABASE_URL must name a PostgreSQL server (or pass --sqlite): "
            f"{without_password(url)}"
        )
    wait_for_postgres(url)
    return url


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    quick_option(parser, QUICK)
    parser.add_argument(
        "--recipients", type=int, help=f"recipients of the main campaign ({FULL['recipients']:,})"
    )
    parser.add_argument(
        "--small",
        type=int,
        help=f"recipients of the smaller campaign, 1 worker ({FULL['small']:,}; 0 skips it)",
    )
    parser.add_argument(
        "--sqlite", action="store_true", help="SQLite files instead of PostgreSQL databases"
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=300,
        metavar="SECONDS",
        help="before each run, wait up to this long for other processes to go quiet (300; 0: no)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="afterwards, cProfile campaign_drain in one process over --profile-recipients",
    )
    parser.add_argument(
        "--profile-recipients", type=int, default=5_000, help="recipients to profile (5,000)"
    )
    output_option(parser, "campaign.json")
    parser.add_argument("--profile-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes_fill(args, full=FULL, quick=QUICK)
    if args.recipients < 1_000:
        parser.error("--recipients must be at least 1,000")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.profile_child is not None:
        return profile_child(args)
    started = time.perf_counter()
    load_before = os.getloadavg()
    server_url = database_server(args)
    vendor = "sqlite" if server_url is None else "postgresql"
    say(
        f"{vendor}; CAMPAIGN_TASK_SECONDS={TASK_SECONDS}, CAMPAIGN_LEASE_SECONDS={LEASE_SECONDS}, "
        f"CAMPAIGN_PARALLEL_TASKS={os.environ.get('CAMPAIGN_PARALLEL_TASKS', '4 (default)')}; "
        "each run: fresh database, seed, start the workers and wait until they are idle, then "
        "start the campaign; rate = messages / (first → last message at the sink)"
    )
    cases = []
    if args.small:
        cases.append(("small", args.small, 1))
    cases += [("one", args.recipients, 1), ("two", args.recipients, 2)]
    log_path = args.output.with_name("campaign-workers.log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_bytes(b"")
    runs = []
    for label, n, workers in cases:
        try:
            run = run_case(
                label=label,
                recipients=n,
                workers=workers,
                server_url=server_url,
                log_path=log_path,
                quiet_timeout=args.wait_quiet,
            )
        except RunFailed as exc:
            say(f"  {label}: FAILED: {exc}")
            run = {"label": label, "recipients": n, "workers": workers, "error": str(exc)}
        runs.append(run)
    results: dict[str, Any] = {"database": vendor, "runs": runs}
    missed = print_summary(results)
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()
    print(
        f"{run_time_note(elapsed, load_before, load_after)} Rates are absolute: rerun on a "
        "quiet machine before trusting a miss; the workers, the sink and the database "
        "share the cores."
    )
    if args.profile:
        run_profile(recipients=args.profile_recipients, server_url=server_url, log_path=log_path)
    elif any(key.startswith("rate") for key in missed):
        print("Rerun with --profile to see where a worker's time goes per message.")

    report = {
        **report_head(load_before, load_after),
        "settings": {
            "CAMPAIGN_TASK_SECONDS": TASK_SECONDS,
            "CAMPAIGN_LEASE_SECONDS": LEASE_SECONDS,
            "CAMPAIGN_PARALLEL_TASKS": os.environ.get("CAMPAIGN_PARALLEL_TASKS"),
        },
        "aims": {"per_second_min": RATE_AIM, "worker_peak_rss_mb_max": RSS_AIM_MB},
        "missed": missed,
        "run_time_s": elapsed,
        **results,
    }
    report_write(args.output, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
