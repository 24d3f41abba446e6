from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import email_settings


def test_email_url_smtp():
    config = email_settings("smtp://user:p%40ss@mail.example.al:587?tls=1")
    assert config["EMAIL_HOST"] == "mail.example.al"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert config["EMAIL_USE_TLS"] is True


def test_email_url_unknown_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured):
        email_settings("carrier-pigeon://x")


PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://u@h/db",
    "EMAIL_URL": "smtp://h:25",
    "ALLOWED_HOSTS": "3vfejzo.al",
    "SITE_URL": "https://3vfejzo.al",
    "FEJZO_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi10ZXN0LWtleS0wMDAwMDAwMDAwMDE",
    "FEJZO_BLIND_INDEX_KEY": "cHJvZHVjdGlvbi10ZXN0LWJsaW5kLWtleS0wMDAwMDE",
}


def _import_production(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_p6_production_refuses_to_start_without_secrets():
    result = _import_production({})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_p6_production_requires_https_site_url():
    result = _import_production({**PRODUCTION_ENV, "SITE_URL": "http://3vfejzo.al"})
    assert result.returncode != 0
    assert "https://" in result.stderr


def test_production_starts_with_real_settings():
    result = _import_production(PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", ["FEJZO_ENCRYPTION_KEYS", "FEJZO_BLIND_INDEX_KEY"])
def test_p6_production_refuses_to_start_without_encryption_keys(missing):
    env = {name: value for name, value in PRODUCTION_ENV.items() if name != missing}
    result = _import_production(env)
    assert result.returncode != 0
    assert f"{missing} not set" in result.stderr


def test_p6_production_reads_keys_from_a_key_file_outside_the_database(tmp_path):
    keys = tmp_path / "keys.env"
    keys.write_text(
        f"FEJZO_ENCRYPTION_KEYS={PRODUCTION_ENV['FEJZO_ENCRYPTION_KEYS']}\n"
        f"FEJZO_BLIND_INDEX_KEY={PRODUCTION_ENV['FEJZO_BLIND_INDEX_KEY']}\n"
    )
    env = {name: value for name, value in PRODUCTION_ENV.items() if not name.startswith("FEJZO_")}
    result = _import_production({**env, "FEJZO_KEYS_FILE": str(keys)})
    assert result.returncode == 0, result.stderr


def test_p6_development_keys_are_generated_once_under_var(tmp_path, monkeypatch):
    from config.env import encryption_key_settings

    for name in ("FEJZO_ENCRYPTION_KEYS", "FEJZO_BLIND_INDEX_KEY", "FEJZO_KEYS_FILE"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "var" / "keys.env"
    first = encryption_key_settings(development_file=path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert encryption_key_settings(development_file=path) == first
    assert first["FEJZO_ENCRYPTION_KEYS"][0] != first["FEJZO_BLIND_INDEX_KEY"]


def test_p13_a_provider_is_configured_only_with_a_webhook_secret():
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from config.env import anymail_settings

    assert anymail_settings({}) == {"ANYMAIL_ESP": ""}
    with pytest.raises(ImproperlyConfigured, match="WEBHOOK_SECRET"):
        anymail_settings({"ANYMAIL_ESP": "mailgun", "ANYMAIL_MAILGUN_API_KEY": "k"})
    with pytest.raises(ImproperlyConfigured):
        anymail_settings({"ANYMAIL_ESP": "../evil", "ANYMAIL_WEBHOOK_SECRET": "a:b"})
    configured = anymail_settings(
        {
            "ANYMAIL_ESP": "mailgun",
            "ANYMAIL_MAILGUN_API_KEY": "key",
            "ANYMAIL_WEBHOOK_SECRET": "hook:secret",
        }
    )
    assert configured["EMAIL_BACKEND"] == "anymail.backends.mailgun.EmailBackend"
    assert configured["ANYMAIL"] == {"MAILGUN_API_KEY": "key", "WEBHOOK_SECRET": "hook:secret"}
