"""Issue 17, scale-out: two app processes behind one proxy and two workers, one database,
one bucket, complete a customer's journey.

On loopback: Caddy with deploy/Caddyfile (`tls internal`) in front of two gunicorn
processes (deploy/gunicorn.conf.py), two `db_worker` processes, a moto S3 server and an
SMTP server, all on a fresh database (a SQLite file in WAL mode, or a new database on the
PostgreSQL server DATABASE_URL names). Each process has local folders of its own, so
only the bucket can carry a file from one to another. A visitor registers (with the
mailed verification link), checks out, asks for their data, which one worker builds
into the bucket and the OTHER app process serves, and receives a campaign.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import sqlite3
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import Page, expect

from core.testing import ReceivedMail, SMTPServer, free_port
from core.testing.s3 import bucket_names, s3_environ, s3_server

if TYPE_CHECKING:
    from e2e.conftest import PageOpener

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CADDY = Path("/usr/bin/caddy")
SETTINGS = "config.settings.journey"
APPS = ("app-a", "app-b")
WORKERS = ("worker-1", "worker-2")
START_TIMEOUT_SECONDS = 60.0
MAIL_TIMEOUT_SECONDS = 30.0
EMAIL = "arta.hoxha@example.al"
PASSWORD = "Liqeni-i-Ohrit-2026"
PRODUCT = "Televizor Samsung 55 QLED"
VERIFY_LINK = re.compile(r"https://\S+/llogaria/verifiko/[^/\s]+/[^/\s]+/")
DOWNLOAD_LINK = re.compile(r"https://\S+/llogaria/te-dhenat/shkarko/[^/\s]+/")
ORDER_NUMBER = re.compile(r"3VF-\d{6}-[A-Z2-9]{5}")
CAMPAIGN_SUBJECT = "Ofertat e dhjetorit në 3VFejzo"
EXPORT_TASK = "%data_export_build_task"

SEED = """
from django.core.files.uploadedfile import SimpleUploadedFile
from catalog.photos import product_photo_add
from catalog.renditions import photo_renditions_make
from catalog.tests.factories import ProductFactory
from core.tests.images import phone_photo_jpeg
from core.uploads import image_clean
product = ProductFactory(name_sq={name!r}, stock=5, price=89_990)
photo = product_photo_add(
    product=product,
    image=image_clean(SimpleUploadedFile("a.jpg", phone_photo_jpeg(), content_type="image/jpeg")),
    alt_sq="Pamja nga para",
    actor=None,
    schedule=lambda photo_id: None,
)
photo_renditions_make(photo_id=photo.pk)
print(product.get_absolute_url())
"""

CAMPAIGN = """
from campaigns.models import Campaign
from campaigns.services import campaign_start
from subscriptions.models import Topic
campaign = Campaign.objects.create(
    topic=Topic.OFFERS,
    name="Dhjetori",
    subject_sq={subject!r},
    body_sq="## Ulje çmimesh\\n\\nTelevizorë me **20% zbritje**.",
)
print(campaign_start(campaign=campaign, actor=None))
"""


def _die_with_parent() -> None:
    """Runs in a child before exec: SIGKILL it if the test process dies (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


@dataclass
class Shop:
    """The running world: the proxy's address and where each process left its traces."""

    url: str
    env: dict[str, str]
    database_url: str
    s3_endpoint: str
    smtp: SMTPServer
    work: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def manage(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
        log = (self.work / f"{name}.log").open("wb")
        folder = self.work / name
        folder.mkdir()
        self.processes.append(
            subprocess.Popen(  # noqa: S603 (fixed commands)
                command,
                cwd=ROOT,
                # Local folders of its own: nothing shared but the database and the bucket.
                env={**self.env, "FEJZO_VAR_DIR": str(folder), **(env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,  # only a prctl call between fork and exec
            )
        )

    def access_log(self, app: str) -> list[str]:
        path = self.work / f"{app}.access"
        return path.read_text().splitlines() if path.exists() else []

    def served_by(self, method: str, path: str) -> list[str]:
        """Return the app processes whose access log holds this request."""
        return [
            app
            for app in APPS
            for line in self.access_log(app)
            if line.startswith(f"{method} {path} ")
        ]

    def export_workers(self) -> list[list[str]]:
        """Return the worker ids of each run of the download's build task (task results)."""
        sql = (
            "SELECT worker_ids FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE %s AND status = 'SUCCESSFUL'"
        )
        if self.database_url.startswith("sqlite"):
            path = self.database_url.removeprefix("sqlite:///")
            with contextlib.closing(sqlite3.connect(path)) as connection:
                rows = connection.execute(sql.replace("%s", "?"), [EXPORT_TASK]).fetchall()
            return [json.loads(row[0]) for row in rows]
        import psycopg

        with psycopg.connect(self.database_url) as connection:
            rows = connection.execute(sql, [EXPORT_TASK]).fetchall()  # type: ignore[arg-type]
        return [list(row[0]) for row in rows]


def _wait_answering(url: str, processes: list[subprocess.Popen[bytes]], what: str) -> None:
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE  # Caddy's own local CA, trusted by nobody here
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                pytest.fail(f"{what}: a process exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=insecure) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, ssl.SSLError):
            pass
        time.sleep(0.2)
    pytest.fail(f"{what} did not answer {url}")


@contextlib.contextmanager
def _database(work: Path) -> Iterator[str]:
    """Yield a fresh database's URL: a new one on DATABASE_URL's PostgreSQL, else SQLite."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        yield f"sqlite:///{work / 'shop.sqlite3'}"
        return
    from bench.common import admin_sql

    name = f"fejzo_scaleout_{secrets.token_hex(4)}"
    admin_sql(server, f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        admin_sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    # The proxy first, so nothing new arrives; SIGINT is gunicorn's quick shutdown.
    for process in reversed(processes):
        if process.poll() is None:
            quick = signal.SIGINT if "gunicorn" in str(process.args) else signal.SIGTERM
            process.send_signal(quick)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    """Start the whole layout on loopback; stop every process afterwards, whatever happened."""
    if not CADDY.exists():
        pytest.fail("caddy is not installed: apt-get install caddy (.ci/run does)")
    smtp = SMTPServer().start()
    http_port, https_port = free_port(), free_port()
    site = f"https://127.0.0.1:{https_port}"
    try:
        with s3_server() as endpoint, _database(tmp_path) as database_url:
            env = {
                **{key: value for key, value in os.environ.items() if not key.startswith("FEJZO_")},
                "DJANGO_SETTINGS_MODULE": SETTINGS,
                "DATABASE_URL": database_url,
                "EMAIL_URL": smtp.url,
                "SITE_URL": site,
                "PYTHONPATH": str(ROOT),
                **s3_environ(endpoint),
            }
            world = Shop(site, env, database_url, endpoint, smtp, tmp_path)
            try:
                world.manage("migrate", "--noinput", "-v", "0")
                ports = {app: free_port() for app in APPS}
                gunicorn = Path(sys.executable).with_name("gunicorn")
                for app, port in ports.items():
                    world.start(
                        app,
                        [
                            str(gunicorn),
                            "-c",
                            "deploy/gunicorn.conf.py",
                            "--bind",
                            f"127.0.0.1:{port}",
                            "--workers",
                            "2",
                            "--access-logfile",
                            str(tmp_path / f"{app}.access"),
                            "--access-logformat",
                            "%(m)s %(U)s %(s)s",
                        ],
                    )
                for worker in WORKERS:
                    world.start(
                        worker,
                        [
                            sys.executable,
                            "manage.py",
                            "db_worker",
                            "--no-reload",
                            "--no-startup-delay",
                            "--interval",
                            "0.2",
                            "--worker-id",
                            worker,
                        ],
                    )
                for app, port in ports.items():
                    _wait_answering(f"http://127.0.0.1:{port}/robots.txt", world.processes, app)
                caddy_home = tmp_path / "caddy"
                world.start(
                    "caddy",
                    [str(CADDY), "run", "--config", "deploy/Caddyfile", "--adapter", "caddyfile"],
                    env={
                        "FEJZO_SITE_NAME": "127.0.0.1",
                        "FEJZO_UPSTREAMS": " ".join(f"127.0.0.1:{port}" for port in ports.values()),
                        "FEJZO_TLS": "internal",
                        "FEJZO_HTTP_PORT": str(http_port),
                        "FEJZO_HTTPS_PORT": str(https_port),
                        "FEJZO_CADDY_ADMIN": "off",
                        "XDG_DATA_HOME": str(caddy_home / "data"),
                        "XDG_CONFIG_HOME": str(caddy_home / "config"),
                        "HOME": str(caddy_home),
                    },
                )
                _wait_answering(f"{site}/robots.txt", world.processes, "caddy")
                yield world
            finally:
                _stop(world.processes)
    finally:
        smtp.stop()


def _wait_for_mail(
    smtp: SMTPServer, select: Callable[[ReceivedMail], bool], what: str
) -> ReceivedMail:
    deadline = time.monotonic() + MAIL_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        found = [mail for mail in smtp.messages if select(mail)]
        if found:
            assert len(found) == 1, f"{what}: sent {len(found)} times"
            return found[0]
        time.sleep(0.2)
    pytest.fail(f"{what} did not arrive")


def _to(subject: str) -> Callable[[ReceivedMail], bool]:
    return lambda mail: EMAIL in mail.recipients and subject in mail.subject


def label(text: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(text)}:?$")


def _register(page: Page) -> None:
    form = page.get_by_role("main")
    form.get_by_label(label("Emri")).fill("Arta")
    form.get_by_label(label("Mbiemri")).fill("Hoxha")
    form.get_by_label(label("Email")).fill(EMAIL)
    form.get_by_label(label("Numri i telefonit")).fill("069 123 4567")
    form.get_by_label(label("Fjalëkalimi")).fill(PASSWORD)
    form.get_by_label(label("Përsëritni fjalëkalimin")).fill(PASSWORD)
    form.get_by_label("Oferta dhe zbritje").check()
    form.get_by_label(label("Pranoj Kushtet e Shërbimit dhe Politikat e Privatësisë")).check()
    form.get_by_role("button", name="Regjistrohu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontrolloni email-in")


def test_p6_p12_two_app_processes_two_workers_one_bucket_carry_a_whole_journey(
    shop: Shop, open_page: PageOpener, tmp_path: Path
) -> None:
    # given a product with a photo in the bucket
    product_path = shop.manage("shell", "-c", SEED.format(name=PRODUCT)).splitlines()[-1]
    photos = bucket_names(shop.s3_endpoint, prefix="media/catalog/photos/")
    assert len(photos) > 1, photos
    page = open_page(ignore_https_errors=True)

    # when a visitor opens the product through the proxy, its photo comes from the bucket
    page.goto(shop.url + product_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(PRODUCT)
    image = page.get_by_role("main").get_by_role("img", name="Pamja nga para").first
    source = image.get_attribute("src") or ""
    assert source.startswith("/media/catalog/photos/"), source
    assert page.request.get(shop.url + source).ok

    # when they put it in the cart and go to checkout, then register from there
    page.get_by_role("button", name="Shto në shportë").click()
    expect(page.get_by_role("status")).to_contain_text(f"{PRODUCT} u shtua në shportë")
    page.goto(shop.url + "/shporta/")
    page.get_by_role("link", name="Vazhdo me porosinë").click()
    page.get_by_role("main").get_by_role("link", name="Regjistrohu").click()
    _register(page)

    # then the verification mail arrives, with a link back through the proxy
    verification = _wait_for_mail(shop.smtp, _to("Verifikoni"), "the verification mail")
    link = VERIFY_LINK.search(verification.part("plain"))
    assert link is not None and link.group(0).startswith(shop.url + "/")
    page.goto(link.group(0))
    expect(page.get_by_role("status")).to_contain_text("Email-i juaj u verifikua")

    # when they sign in and check out, cash on delivery, to a new address
    page.get_by_role("main").get_by_label(label("Email")).fill(EMAIL)
    page.get_by_role("main").get_by_label(re.compile("^Fjalëkalim")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Hyr").click()
    page.get_by_role("link", name="Vazhdo me porosinë").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Përfundo porosinë")
    page.get_by_label("Adresë e re").check()
    page.get_by_label(label("Qyteti / bashkia")).select_option(label="Tiranë")
    page.get_by_label(label("Rruga dhe numri")).fill("Rr. Myslym Shyri, Pallati 12, Ap. 8")
    page.get_by_label("Para në dorë në dorëzim").check()
    page.get_by_role("button", name="Konfirmo porosinë").click()

    # then the order is placed and its confirmation mailed
    expect(page.get_by_role("heading", level=1)).to_have_text("Faleminderit! Porosia u vendos.")
    number = page.locator("strong.order-number").inner_text().strip()
    assert ORDER_NUMBER.fullmatch(number), number
    _wait_for_mail(shop.smtp, _to(number), "the order confirmation")

    # when they ask for their data
    page.goto(shop.url + "/llogaria/te-dhenat/shkarko/")
    page.get_by_label(label("Fjalëkalimi juaj")).fill(PASSWORD)
    page.get_by_role("button", name="Përgatit skedarin").click()
    expect(page.get_by_role("status")).to_contain_text("Do t'ju dërgojmë një email")
    (asked_through,) = shop.served_by("POST", "/llogaria/te-dhenat/shkarko/")

    # then one worker builds it into the bucket, and the link is mailed
    ready = _wait_for_mail(shop.smtp, _to("gati për shkarkim"), "the download link")
    download = DOWNLOAD_LINK.search(ready.part("plain"))
    assert download is not None and download.group(0).startswith(shop.url + "/")
    ((builder,),) = shop.export_workers()
    assert builder in WORKERS
    (stored,) = bucket_names(shop.s3_endpoint, prefix="exports/")
    assert not [path for path in tmp_path.glob("*/exports/*")], "no local copy anywhere"

    # when they follow the link: the proxy picks an app process; the download is then
    # fetched until the OTHER process (not the one that took the request) served it
    download_path = urlsplit(download.group(0)).path
    with page.expect_download() as started:
        page.evaluate("url => { window.location.href = url }", download.group(0))
    saved = tmp_path / "download.zip"
    started.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert EMAIL in archive.read("data.json").decode()
    for _attempt in range(20):
        if set(shop.served_by("GET", download_path)) - {asked_through}:
            break
        answer = page.request.get(download.group(0))
        assert answer.ok and answer.body()[:2] == b"PK"
    other = ({"app-a", "app-b"} - {asked_through}).pop()
    assert other in shop.served_by("GET", download_path), shop.served_by("GET", download_path)
    assert stored.startswith("exports/")

    # and an anonymous visitor with the same link gets no file
    stranger = open_page(ignore_https_errors=True)
    refused = stranger.request.get(download.group(0), max_redirects=0)
    assert refused.status == 403
    assert refused.body()[:2] != b"PK" and "content-disposition" not in refused.headers

    # when marketing sends an offers campaign
    started = shop.manage("shell", "-c", CAMPAIGN.format(subject=CAMPAIGN_SUBJECT))
    recipients = int(started.splitlines()[-1])
    assert recipients == 1

    # then the customer who ticked offers at registration receives it, once
    campaign_mail = _wait_for_mail(shop.smtp, _to(CAMPAIGN_SUBJECT), "the campaign")
    assert campaign_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
