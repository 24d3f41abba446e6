"""Load benchmark (bench/load.py): production-like request path, no HTTPS hardening.

DATABASE_URL must name the PostgreSQL benchmark database; bench/load.py sets it.
BENCH_STATIC_ROOT, when set, is a directory collectstatic has filled: static URLs are
then resolved through whitenoise's manifest as in production.
"""

import os
from pathlib import Path

from config.env import email_settings, encryption_key_settings

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
SECRET_KEY = "bench-only-secret-key-not-used-anywhere-else-0123456789abcdef"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"

# Persistent connections: each gunicorn worker keeps its connection between requests.
DATABASES["default"]["CONN_MAX_AGE"] = 600

# bench/load_locust.py points mail at its SMTP sink; other benchmarks send none.
vars().update(email_settings(os.environ.get("BENCH_EMAIL_URL", "locmem:")))
os.environ.setdefault("FEJZO_ENCRYPTION_KEYS", "YmVuY2gtZW5jcnlwdGlvbi1rZXktMDAwMDAwMDAwMDE")
os.environ.setdefault("FEJZO_BLIND_INDEX_KEY", "YmVuY2gtYmxpbmQtaW5kZXgta2V5LTAwMDAwMDAwMDE")
vars().update(encryption_key_settings())

_static_root = os.environ.get("BENCH_STATIC_ROOT", "")
if _static_root:
    STATIC_ROOT = Path(_static_root)
    _staticfiles_backend = "whitenoise.storage.CompressedManifestStaticFilesStorage"
else:
    _staticfiles_backend = "django.contrib.staticfiles.storage.StaticFilesStorage"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": _staticfiles_backend},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
