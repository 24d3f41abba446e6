"""The test suite: SQLite in memory unless DATABASE_URL names PostgreSQL."""

from config.env import email_settings

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
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
