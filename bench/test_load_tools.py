"""The tools the crowd benchmark and the fault runs count with: if they miscount, a lost or
doubled message or a failed step would go unseen."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from pathlib import Path

import pytest

from bench.html_forms import page_form
from bench.load_locust import SmtpSink, percentile

FORM = """
<form method="get" action="/kerko/"><input name="q" value="tv"></form>
<form method="post" action="/porosite/arka/">
  <input type="hidden" name="csrfmiddlewaretoken" value="abc">
  <input type="radio" name="address" value="7">
  <input type="radio" name="address" value="new" checked>
  <select name="municipality">
    <option value="">--</option><option value="tirane">Tiranë</option>
  </select>
  <input type="checkbox" name="save_address" checked><input type="checkbox" name="gift">
  <textarea name="notes">Pas orës 17</textarea>
  <input type="radio" name="payment_method" value="cod" checked>
  <button type="submit">Porosit</button>
</form>
"""


def test_p8_form_read_as_a_browser_sends_it() -> None:
    form = page_form(FORM, has_field="payment_method")

    assert form is not None
    assert form.action == "/porosite/arka/"
    assert form.values == {
        "csrfmiddlewaretoken": "abc",
        "address": "new",
        "municipality": "",
        "save_address": "on",
        "notes": "Pas orës 17",
        "payment_method": "cod",
    }
    assert form.options["municipality"] == ["", "tirane"]
    assert page_form(FORM, action="/shporta/") is None


def test_p8_percentiles_from_locust_histogram() -> None:
    buckets = {"10": 50, "20": 45, "300": 4, "900": 1}

    assert percentile(buckets, 0.50) == 10
    assert percentile(buckets, 0.95) == 20
    assert percentile(buckets, 0.99) == 300
    assert percentile({}, 0.5) == 0


def _send(port: int, *, to: str, message_id: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = "shop@example.al"
    message["To"] = to
    message["Message-ID"] = message_id
    message["Subject"] = "Provë"
    message.set_content(body)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(message)


def test_p8_sink_records_every_message_and_goes_down_on_demand(tmp_path: Path) -> None:
    sink = SmtpSink(tmp_path / "mail")
    sink.start()
    try:
        _send(sink.port, to="arta@example.al", message_id="<1@fejzo>", body=".pika\nlidhja")
        _send(sink.port, to="arta@example.al", message_id="<2@fejzo>", body="dy")

        sink.stop()
        with pytest.raises(OSError):
            _send(sink.port, to="arta@example.al", message_id="<3@fejzo>", body="tre")
        sink.start()
        _send(sink.port, to="besa@example.al", message_id="<4@fejzo>", body="kater")
    finally:
        sink.stop()

    assert [m["message_id"] for m in sink.received()] == ["<1@fejzo>", "<2@fejzo>", "<4@fejzo>"]
    files = sorted((tmp_path / "mail").glob("arta@example.al--*.eml"))
    assert len(files) == 2
    assert any(b"\n.pika" in path.read_bytes() for path in files)
