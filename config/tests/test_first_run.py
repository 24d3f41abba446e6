"""A newcomer's first run: `PORT=18501 make run` mails links to port 18501, and the
README and docs point only at files that are in the repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# [text](target) in Markdown, but not ![images](…) of another site nor a bare URL.
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# `path/to/file.md` written as code: the README names files this way too.
CODE_PATH = re.compile(r"`((?:\.\./|docs/)[^`\s]+\.md)`")
# Code blocks and spans: what they hold is an example, not a link.
CODE = re.compile(r"```.*?```|`[^`]*`", re.DOTALL)


def _local_site_url(tmp_path: Path, **environ: str) -> str:
    """Return SITE_URL as the local settings compute it in a fresh process."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SITE_URL", "PORT", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        FEJZO_VAR_DIR=str(tmp_path),
        FEJZO_LOG_FILE=str(tmp_path / "fejzo.log"),
        **environ,
    )
    probe = "from django.conf import settings; print(settings.SITE_URL)"
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed probe
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip().splitlines()[-1]


def test_local_site_url_follows_port(tmp_path: Path) -> None:
    assert _local_site_url(tmp_path, PORT="18501") == "http://127.0.0.1:18501"


def test_local_site_url_is_port_8000_without_port(tmp_path: Path) -> None:
    assert _local_site_url(tmp_path) == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins_over_port(tmp_path: Path) -> None:
    site_url = _local_site_url(tmp_path, PORT="18501", SITE_URL="http://shop.test:9000/")
    assert site_url == "http://shop.test:9000"


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
@pytest.mark.parametrize("how", ["environment", "command line", "default"])
def test_make_passes_port_to_the_processes_it_starts(how: str) -> None:
    # The run target's processes (runserver and the worker) inherit make's environment.
    env = {name: value for name, value in os.environ.items() if name != "PORT"}
    arguments = ["make", "--no-print-directory", "-f", "Makefile"]
    arguments.append('--eval=port-probe: ; @echo "$$PORT"')
    arguments.append("port-probe")
    if how == "environment":
        env["PORT"] = "18501"
    elif how == "command line":
        arguments.append("PORT=18501")
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        arguments, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == ("8000" if how == "default" else "18501")


def _documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _relative_links(document: Path) -> list[Path]:
    """Return the files a document links: Markdown links from its folder, code paths
    (`docs/role-matrix.md`) from the repository's root, as the docs write them."""
    text = document.read_text(encoding="utf-8")
    prose = CODE.sub("", text)
    found = [(document.parent, target) for target in MARKDOWN_LINK.findall(prose)]
    found += [(ROOT, target) for target in CODE_PATH.findall(text)]
    files = []
    for base, target in found:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "/")):
            continue  # another site, a mail address, an anchor, or a path on the shop
        files.append((base / target.split("#", 1)[0]).resolve())
    return files


@pytest.mark.parametrize("document", _documents(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_of_the_docs_points_at_a_file_in_the_repository(
    document: Path,
) -> None:
    missing = [
        str(target)
        for target in _relative_links(document)
        if ROOT not in target.parents or not target.exists()
    ]
    assert missing == [], f"{document.relative_to(ROOT)} links files not in the repository"


def test_the_readme_points_at_the_clauses_in_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/policy-clauses.md" in readme
    assert "../shared" not in readme
