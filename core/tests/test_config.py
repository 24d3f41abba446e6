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
