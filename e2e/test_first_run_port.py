"""A newcomer's first run on a port of their own: every mailed link leads back to it.

`PORT=18501 make run` must give mail whose links point at port 18501, not 8000, or the
newcomer cannot verify the address they registered with. This runs the site as
`make run` does (the local settings, `runserver` and the `db_worker` beside it, on a
fresh SQLite database) on a free port, with real SMTP, and registers in the browser.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from core.testing import SMTPServer, free_port

if TYPE_CHECKING:
    from e2e.conftest import PageOpener

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "newcomer@example.al"
PASSWORD = "Liqeni-i-Ohrit-2026"
START_TIMEOUT_SECONDS = 60.0
MAIL_TIMEOUT_SECONDS = 30.0


def _manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


@pytest.fixture
def first_run(tmp_path: Path) -> Iterator[tuple[str, SMTPServer]]:
    """Start the site as `make run` does, on a free PORT, mailing a real SMTP server."""
    smtp = SMTPServer().start()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "PORT": str(port),
        "FEJZO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'first-run.sqlite3'}",
        "EMAIL_URL": smtp.url,
        "FEJZO_LOG_FILE": str(tmp_path / "fejzo.log"),
    }
    env.pop("SITE_URL", None)
    subprocess.run(  # noqa: S603 (our own manage.py)
        _manage("migrate", "--noinput"), env=env, check=True, cwd=ROOT, capture_output=True
    )
    processes = [
        subprocess.Popen(  # noqa: S603
            _manage(*command),
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for command in (
            ("runserver", f"127.0.0.1:{port}", "--noreload"),
            ("db_worker", "--no-reload", "--no-startup-delay"),
        )
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base)
        yield base, smtp
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        smtp.stop()


def _wait_until_serving(base: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/", timeout=2):  # noqa: S310 (loopback)
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    pytest.fail(f"the site did not start at {base}")


def _verification_mail(smtp: SMTPServer) -> str:
    deadline = time.monotonic() + MAIL_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for mail in smtp.messages:
            if EMAIL in mail.recipients and "Verifikoni" in mail.subject:
                return mail.part("plain")
        time.sleep(0.25)
    pytest.fail("the verification mail did not arrive")


def test_p3_mailed_links_follow_the_port_the_site_runs_on(
    first_run: tuple[str, SMTPServer], open_page: PageOpener
) -> None:
    base, smtp = first_run
    page = open_page()
    page.goto(f"{base}/llogaria/regjistrohu/")
    form = page.get_by_role("main")
    form.get_by_label(re.compile("^Emri")).fill("Arta")
    form.get_by_label(re.compile("^Mbiemri")).fill("Hoxha")
    form.get_by_label(re.compile("^Email")).fill(EMAIL)
    form.get_by_label(re.compile("^Numri i telefonit")).fill("069 123 4567")
    form.get_by_label(re.compile("^Fjalëkalimi")).fill(PASSWORD)
    form.get_by_label(re.compile("^Përsëritni fjalëkalimin")).fill(PASSWORD)
    form.get_by_label(re.compile("^Pranoj Kushtet")).check()
    form.get_by_role("button", name="Regjistrohu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontrolloni email-in")

    text = _verification_mail(smtp)
    links = re.findall(r"https?://[^\s<>\"]+", text)
    assert links, text
    own = [link for link in links if "3vfejzo.al" not in link]
    assert own and all(link.startswith(f"{base}/") for link in own), own

    [verify] = [link for link in own if "/llogaria/verifiko/" in link]
    page.goto(verify)
    expect(page.get_by_role("status")).to_contain_text("Email-i juaj u verifikua")
