"""Structured logs (P6, P14): one JSON object a line, carrying the request id and the route,
never a person's data.

Our own code logs ids and kinds, never values. What others write is made safe here, in
the formatter every production handler uses (config.env.logging_settings):
- a line about a request (django.request, django.security) names its route, not its
  path: paths carry signed tokens (an order's, a download's, an e-mail verification's);
- an exception is written as its type and its frames, never its value: a database error
  or a failed conversion repeats the data it failed on;
- e-mail addresses, IP addresses and phone numbers left in any text are masked;
- the request object Django attaches to its records is never written.

Loaded by `logging.config.dictConfig` before the apps are: it imports no model.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import traceback
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

# The request being served by this thread (ops.middleware sets and resets them).
request_id_var: ContextVar[str] = ContextVar("fejzo_request_id", default="")
route_var: ContextVar[str] = ContextVar("fejzo_route", default="")

EMAIL = re.compile(r"[^\s@<>()\[\]\"',;:]+@[^\s@<>()\[\]\"',;:]+\.[A-Za-z]{2,}")
# Candidates only: each is checked by the ipaddress module, so "12:30:45" stays a time.
IP_CANDIDATE = re.compile(r"(?<![\w.:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f.]{0,15}(?![\w:])")
IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])")
# Seven or more digits, spaces and dashes allowed between: how people write a phone
# number (+355 69 123 4567, 0691234567). An id or a count that long is masked too.
PHONE = re.compile(r"(?<![\w+])\+?\d(?:[ -]?\d){6,}(?!\w)")

# Written by us as they are; everything else is masked.
TRUSTED_FIELDS = frozenset({"timestamp", "level", "logger", "request_id", "route"})
# Attributes Django's loggers attach that must never be written: the request holds the
# full path, the query string, the cookies and the client's address.
NEVER_WRITTEN = ("request", "server_time", "args")


def _ip_masked(match: re.Match[str]) -> str:
    text = match.group(0)
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return text
    return "[ip]"


def text_mask(text: str) -> str:
    """Return the text with e-mail addresses, IP addresses and phone numbers masked."""
    text = EMAIL.sub("[email]", text)
    text = IP_CANDIDATE.sub(_ip_masked, text)
    text = IPV4.sub(_ip_masked, text)
    return PHONE.sub("[number]", text)


class RequestContextFilter(logging.Filter):
    """Give every record the id and route of the request it was written during."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.route = route_var.get()
        return True


def _masked(value: Any) -> Any:
    """Mask the text in a value, however deep in lists and dicts it sits."""
    if isinstance(value, str):
        return text_mask(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_masked(item) for item in value]
    return value


class JsonLineFormatter(JsonFormatter):
    """A JSON object a line, with nothing in it that names or reaches a person."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, *NEVER_WRITTEN])
        kwargs.setdefault("timestamp", True)
        super().__init__(*args, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        request = getattr(record, "request", None)
        if request is not None and not isinstance(record.msg, dict):
            # "Not Found: /porosite/<token>/": the route stands in for the path.
            message = record.getMessage()
            for path in (request.get_full_path(), request.path, request.path_info):
                if path:
                    message = message.replace(path, "<path>")
            record.msg, record.args = message, ()
        return super().format(record)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data["level"] = record.levelname
        log_data["logger"] = record.name

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {
            key: value if key in TRUSTED_FIELDS else _masked(value)
            for key, value in log_data.items()
        }

    def formatException(  # noqa: N802 - logging.Formatter's name
        self,
        ei: tuple[type[BaseException], BaseException, TracebackType | None]
        | tuple[None, None, None],
    ) -> str:
        """Return the exception's types and frames, without its value or its locals."""
        _kind, error, _tb = ei
        if error is None:
            return ""
        parts: list[str] = []
        seen: set[int] = set()
        current: BaseException | None = error
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            frames = traceback.extract_tb(current.__traceback__)
            where = [f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in frames]
            parts.append(" <- ".join([type(current).__qualname__, *reversed(where)]))
            current = current.__cause__ or current.__context__
        return " | caused by: ".join(parts)
