"""P14: gunicorn runs several worker processes; with PROMETHEUS_MULTIPROC_DIR the scrape
answered by any one of them counts the requests of all of them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from ops.metrics import metrics_exposition

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
COUNT = """
import django
django.setup()
from ops.metrics import request_observe
for _ in range({n}):
    request_observe(route="cart:detail", method="GET", status=200, seconds=0.01)
"""


def _worker(folder: Path, n: int) -> None:
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", COUNT.format(n=n)], env=env, cwd=ROOT, check=True, timeout=60
    )


def test_p14_requests_counted_in_two_processes_add_up_in_one_scrape(tmp_path, monkeypatch):
    # given: two worker processes answered 3 and 4 requests
    _worker(tmp_path, 3)
    _worker(tmp_path, 4)
    assert len(list(tmp_path.glob("counter_*.db"))) == 2
    # when: this process answers the scrape
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    text = metrics_exposition().decode()
    # then
    totals = {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "fejzo_http_requests_total"
    }
    assert totals == {(("method", "GET"), ("route", "cart:detail"), ("status", "2xx")): 7}
    assert "fejzo_outbox_messages" in text  # and the database's gauges, once
    assert text.count("# TYPE fejzo_outbox_messages gauge") == 1
