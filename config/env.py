"""Read configuration from the environment, the only place secrets come from."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in TRUE_WORDS


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_required(name: str) -> str:
    """Return a variable production cannot run without, or stop start-up saying so."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. Production refuses to start without it; "
            "see README.md, section Configuration."
        )
    return value


def development_secret(var_dir: Path, filename: str = "secret_key") -> str:
    """Return a per-checkout secret, generated under var/ on first use and never committed."""
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def email_settings(url: str) -> dict[str, Any]:
    """Translate EMAIL_URL into Django's EMAIL_* settings.

    Schemes: ``smtp://`` (STARTTLS with ``?tls=1``), ``smtps://`` (implicit TLS),
    ``maildir:///abs/path`` or ``maildir:var/mail`` (the development outbox the mail
    viewer reads), ``console:`` and ``locmem:``.
    """
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    scheme = parts.scheme.lower()
    if scheme in {"smtp", "smtps"}:
        return {
            # Django's SMTP backend, signing with DKIM when a key is configured.
            "EMAIL_BACKEND": "mail.backends.SMTPBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": query.get("tls", "").lower() in TRUE_WORDS,
            "EMAIL_TIMEOUT": int(query.get("timeout", "10")),
        }
    if scheme == "maildir":
        return {
            "EMAIL_BACKEND": "mail.backends.MaildirBackend",
            "EMAIL_MAILDIR": unquote(parts.netloc + parts.path),
        }
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    raise ImproperlyConfigured(
        f"EMAIL_URL has an unknown scheme {scheme!r}; use smtp, smtps, maildir, console or locmem."
    )


def anymail_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Send through an email provider's API with django-anymail when ANYMAIL_ESP names one.

    ANYMAIL_ESP is the provider's module in anymail.backends (e.g. ``mailgun``, ``postmark``,
    ``amazon_ses``); every other ANYMAIL_<NAME> variable becomes ANYMAIL["<NAME>"], e.g.
    ANYMAIL_MAILGUN_API_KEY and ANYMAIL_WEBHOOK_SECRET (``user:password`` the provider's
    bounce and complaint webhooks must present). Unset, mail goes by EMAIL_URL.
    """
    esp = environ.get("ANYMAIL_ESP", "").strip()
    if not esp:
        return {"ANYMAIL_ESP": ""}
    if not esp.replace("_", "").isalnum():
        raise ImproperlyConfigured(f"ANYMAIL_ESP must be a provider name, not {esp!r}.")
    options = {
        key.removeprefix("ANYMAIL_"): value
        for key, value in environ.items()
        if key.startswith("ANYMAIL_") and key != "ANYMAIL_ESP"
    }
    if not options.get("WEBHOOK_SECRET"):
        raise ImproperlyConfigured(
            "ANYMAIL_WEBHOOK_SECRET (user:password) is required with ANYMAIL_ESP: without it "
            "anyone could post fake bounces that stop a customer's marketing mail."
        )
    return {
        "ANYMAIL_ESP": esp,
        "EMAIL_BACKEND": f"anymail.backends.{esp}.EmailBackend",
        "ANYMAIL": options,
    }


def env_int_default(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc


KEY_VARIABLES = ("FEJZO_ENCRYPTION_KEYS", "FEJZO_BLIND_INDEX_KEY")


def read_keys_file(path: Path) -> dict[str, str]:
    """Return the KEY=value lines of a key file kept outside the database (P6)."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise ImproperlyConfigured(f"FEJZO_KEYS_FILE {path} cannot be read: {exc}") from exc
    values = {}
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if sep and name.strip() in KEY_VARIABLES:
            values[name.strip()] = value.strip()
    return values


def encryption_key_settings(*, development_file: Path | None = None) -> dict[str, Any]:
    """Return FEJZO_ENCRYPTION_KEYS (newest first) and FEJZO_BLIND_INDEX_KEY.

    Taken from the environment, else from the file FEJZO_KEYS_FILE names, else (in
    development only) from a key file generated under var/ on first use.
    """
    values = {name: os.environ[name].strip() for name in KEY_VARIABLES if os.environ.get(name)}
    keys_file = os.environ.get("FEJZO_KEYS_FILE", "").strip()
    if keys_file:
        values = {**read_keys_file(Path(keys_file)), **values}
    elif development_file is not None and len(values) < len(KEY_VARIABLES):
        if not development_file.exists():
            development_file.parent.mkdir(parents=True, exist_ok=True)
            development_file.write_text(
                "# Development keys for this checkout only; never used in production.\n"
                f"FEJZO_ENCRYPTION_KEYS={secrets.token_urlsafe(32)}\n"
                f"FEJZO_BLIND_INDEX_KEY={secrets.token_urlsafe(32)}\n"
            )
            development_file.chmod(0o600)
        values = {**read_keys_file(development_file), **values}
    missing = [name for name in KEY_VARIABLES if not values.get(name)]
    if missing:
        raise ImproperlyConfigured(
            f"{' and '.join(missing)} not set. Personal data is stored encrypted (P6) and "
            "the site refuses to start without its keys: set them in the environment or "
            "name a key file with FEJZO_KEYS_FILE; see README.md, section Configuration."
        )
    return {
        "FEJZO_ENCRYPTION_KEYS": [
            key.strip() for key in values["FEJZO_ENCRYPTION_KEYS"].split(",") if key.strip()
        ],
        "FEJZO_BLIND_INDEX_KEY": values["FEJZO_BLIND_INDEX_KEY"],
    }


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def logging_settings(
    log_file: str | Path | None, *, console: bool = False, structured: bool = False
) -> dict[str, Any]:
    """Return LOGGING: lines to ``log_file`` when one is named, else (or also) to stderr.

    ``structured`` writes JSON lines (production) carrying the request id and route
    (ops.logs), with e-mail and IP addresses masked and exceptions without their values.

    The file is appended to by a WatchedFileHandler, so the web processes and the worker
    can share it and logrotate can move it. No line may carry a customer's personal data
    (P6): our code logs ids and kinds, and third-party loggers whose INFO lines describe
    the person signing in are held at WARNING.
    """
    handlers: dict[str, dict[str, Any]] = {}
    formatter = "json" if structured else "plain"
    if log_file:
        path = Path(log_file)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o640, exist_ok=True)
        except OSError as exc:
            raise ImproperlyConfigured(f"FEJZO_LOG_FILE {path} cannot be written: {exc}") from exc
        handlers["file"] = {
            "class": "logging.handlers.WatchedFileHandler",
            "filename": str(path),
            "encoding": "utf-8",
            "formatter": formatter,
        }
    if console or not log_file:
        handlers["console"] = {"class": "logging.StreamHandler", "formatter": formatter}
    formatters: dict[str, dict[str, Any]] = {"plain": {"format": LOG_FORMAT}}
    filters: dict[str, dict[str, Any]] = {}
    if structured:
        formatters["json"] = {"()": "ops.logs.JsonLineFormatter"}
        filters["request"] = {"()": "ops.logs.RequestContextFilter"}
        for handler in handlers.values():
            handler["filters"] = ["request"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": formatters,
        "filters": filters,
        "handlers": handlers,
        "root": {"handlers": list(handlers), "level": env_str("LOG_LEVEL", "INFO")},
        "loggers": {
            # At DEBUG it writes every SQL statement with its parameters.
            "django.db.backends": {"level": "WARNING"},
            # Its INFO lines ("Successful login by {...}") describe every sign-in, the
            # browser included, and the site keeps no record of sign-ins on purpose
            # (AXES_DISABLE_ACCESS_LOG). Failed sign-ins and lockouts are WARNING and stay.
            "axes": {"level": "WARNING"},
        },
    }
