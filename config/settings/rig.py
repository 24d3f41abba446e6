"""Processes started by the campaign crash test and the campaign benchmark (bench/campaign_rig.py).

DATABASE_URL and EMAIL_URL come from the environment the rig sets: a throw-away
database and a local SMTP sink. Production-like otherwise: DEBUG off, real workers.
"""

import os

from config.env import encryption_key_settings, logging_settings

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "rig-only-secret-key-not-used-anywhere-else-0123456789abcdef"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FEJZO_STAFF_2FA = False
os.environ.setdefault("FEJZO_ENCRYPTION_KEYS", "cmlnLWVuY3J5cHRpb24ta2V5LTAwMDAwMDAwMDAwMDE")
os.environ.setdefault("FEJZO_BLIND_INDEX_KEY", "cmlnLWJsaW5kLWluZGV4LWtleS0wMDAwMDAwMDAwMDE")
vars().update(encryption_key_settings())
CAMPAIGN_TASK_SECONDS = int(os.environ.get("CAMPAIGN_TASK_SECONDS", "20"))
LOGGING = logging_settings(None)
