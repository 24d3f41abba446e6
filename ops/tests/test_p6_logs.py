"""P6, P14: production's log lines are JSON with a request id and a route, and none of
them carries the customer's data, whatever the journey wrote."""

from __future__ import annotations

import json
import logging
import logging.config
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from config.env import logging_settings
from core.testing import run_tasks
from ops.logs import JsonLineFormatter, RequestContextFilter, text_mask
from ops.tests.journey import CLIENT_IP, EMAIL, customer_journey, personal_values

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
IPV4_LIKE = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")


@pytest.fixture
def production_log(tmp_path: Path) -> Iterator[Path]:
    """Production's logging configuration, writing JSON lines to a file, for one test."""
    path = tmp_path / "fejzo.log"
    logging.config.dictConfig(logging_settings(path, structured=True))
    try:
        yield path
    finally:
        logging.config.dictConfig(settings.LOGGING)


def _lines(path: Path) -> list[dict[str, object]]:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_p6_a_customer_journey_leaves_no_personal_data_in_the_logs(production_log, product):
    # given: a customer's whole journey, her mail delivered, and an error about her
    client = Client(REMOTE_ADDR=CLIENT_IP)
    user = customer_journey(client, product)
    run_tasks()
    try:
        raise ValueError(f"refused {EMAIL} at {user.phone}")
    except ValueError:
        logging.getLogger("orders").exception("order step failed")
    needles = personal_values(user)
    # when
    lines = _lines(production_log)
    text = production_log.read_text(encoding="utf-8")
    # then: every request wrote a JSON line with its id and route
    requests = [line for line in lines if line.get("logger") == "ops.requests"]
    assert len(requests) >= 12
    assert all(re.fullmatch(r"[0-9a-f]{32}", str(line["request_id"])) for line in requests)
    routes = {line["route"] for line in requests}
    assert {"accounts:register", "orders:checkout", "rights:erasure_request"} <= routes
    assert any(line.get("status") == 404 for line in requests)
    assert any(line.get("logger") == "django.request" for line in lines)
    failed = next(line for line in lines if line["message"] == "order step failed")
    assert str(failed["exc_info"]).startswith("ValueError <- ")
    # and none of her values, no address and no client address, is in any line
    assert {user.email, user.phone} <= needles  # read through the registry
    leaked = sorted(needle for needle in needles if needle.lower() in text.lower())
    assert leaked == []
    assert EMAIL_LIKE.findall(text) == []
    assert IPV4_LIKE.findall(text) == []
    assert "?email" not in text


def _record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("t", logging.WARNING, __file__, 1, message, args, exc_info)


def _format(record: logging.LogRecord) -> dict[str, object]:
    RequestContextFilter().filter(record)
    return json.loads(JsonLineFormatter().format(record))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("to arta.hoxha@example.al", "to [email]"),
        ("from 198.51.100.7 now", "from [ip] now"),
        ("from 2001:db8::7 now", "from [ip] now"),
        ("call +355 69 123 4567", "call [number]"),
        ("call 0691234567", "call [number]"),
        ("at 12:30:45 order 42 of 3 items", "at 12:30:45 order 42 of 3 items"),
    ],
)
def test_p6_addresses_and_numbers_left_in_a_line_are_masked(written, kept):
    assert text_mask(written) == kept
    assert _format(_record("%s", written))["message"] == kept


def test_p6_values_deep_in_extra_fields_are_masked_too():
    record = _record("sent")
    record.__dict__["to"] = ["arta.hoxha@example.al", {"phone": "0691234567"}]
    line = json.dumps(_format(record))
    assert "arta.hoxha" not in line and "0691234567" not in line
    assert "[email]" in line


def test_p6_an_exception_is_logged_without_its_value():
    try:
        int("Valbona Zenelaj")
    except ValueError as error:
        line = _format(_record("failed", exc=error))
    assert "Valbona" not in json.dumps(line)
    assert str(line["exc_info"]).startswith("ValueError <- ")
    assert "test_p6_logs.py" in str(line["exc_info"])


def test_p6_a_request_line_names_no_path_and_writes_no_request(rf):
    request = rf.get("/porosite/sekret-token-123/?email=a@b.al")
    record = _record("Not Found: %s", request.path)
    record.request = request
    line = _format(record)
    assert line["message"] == "Not Found: <path>"
    assert "request" not in line
    assert "sekret" not in json.dumps(line)


def test_p6_a_client_chosen_request_id_is_replaced_a_proxy_uuid_kept(client):
    made_up = client.get("/_health/web/", HTTP_X_REQUEST_ID="valbona@example.al")
    assert re.fullmatch(r"[0-9a-f]{32}", made_up["X-Request-ID"])
    given = "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert client.get("/_health/web/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
