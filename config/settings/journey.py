"""The processes of the scale-out journey (e2e/test_scaleout_journey.py).

Two gunicorn processes and two `db_worker` processes behind one proxy, sharing one
database (DATABASE_URL), one bucket (FEJZO_S3_*) and one SMTP server (EMAIL_URL), which
the test sets. Production-like otherwise: DEBUG off, real workers, plain HTTP on loopback.
"""

import os

from config.env import encryption_key_settings, logging_settings

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "journey-only-secret-key-not-used-anywhere-else-0123456789abcdef"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FEJZO_STAFF_2FA = False
# Behind the test's Caddy (deploy/Caddyfile, `tls internal`), as production is behind its own.
FEJZO_TRUSTED_PROXY_COUNT = 1
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Static files straight from the apps' folders: no collectstatic into the working tree.
WHITENOISE_USE_FINDERS = True
os.environ.setdefault("FEJZO_ENCRYPTION_KEYS", "am91cm5leS1lbmNyeXB0aW9uLWtleS0wMDAwMDAwMDE")
os.environ.setdefault("FEJZO_BLIND_INDEX_KEY", "am91cm5leS1ibGluZC1pbmRleC1rZXktMDAwMDAwMDE")
vars().update(encryption_key_settings())
LOGGING = logging_settings(None)
