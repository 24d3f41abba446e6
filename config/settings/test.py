"""The test suite: SQLite in memory unless DATABASE_URL names PostgreSQL."""

import os

from config.env import email_settings, encryption_key_settings

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789"  # noqa: S105
ALLOWED_HOSTS = ["*"]
# Hashing speed is not under test here except where a test says so; the Argon2
# default is asserted against base settings.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
vars().update(email_settings("locmem:"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    # DATA_EXPORT_DIR, which the tests point at a folder of their own.
    "exports": {"BACKEND": "core.storage.ExportFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Erasures are journalled only where a test names the journal (backups' tests), never
# under var/.
ERASURE_JOURNAL = os.environ.get("FEJZO_ERASURE_JOURNAL", "")
# Tests that prove the staff second factor (P14) switch it on themselves.
FEJZO_STAFF_2FA = False
# Fixed keys, so a failing test can be replayed; FEJZO_* in the environment still win.
os.environ.setdefault("FEJZO_ENCRYPTION_KEYS", "dGVzdC1lbmNyeXB0aW9uLWtleS0wMDAwMDAwMDAwMDE")
os.environ.setdefault("FEJZO_BLIND_INDEX_KEY", "dGVzdC1ibGluZC1pbmRleC1rZXktMDAwMDAwMDAwMDE")
vars().update(encryption_key_settings())

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # The test runner empties every table between browser tests; the access record's
    # guards refuse that outside a session that declares maintenance (privacy 0004).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c fejzo.maintenance=on"  # noqa: F405
