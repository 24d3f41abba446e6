"""Production: every secret from the environment, HTTPS only (P6)."""

from config.env import (
    encryption_key_settings,
    env_bool,
    env_int_default,
    env_required,
    env_str,
    logging_settings,
)

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, SITE_URL

DEBUG = False
# No demo data in production: without the demo app seed_demo does not exist here, and
# DEMO_DATA_ALLOWED still refuses it should settings built on these install the app.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "demo"]
DEMO_DATA_ALLOWED = False
SECRET_KEY = env_required("SECRET_KEY")
env_required("DATABASE_URL")
env_required("EMAIL_URL")
ALLOWED_HOSTS = env_required("ALLOWED_HOSTS").split(",")
vars().update(encryption_key_settings())
if not SITE_URL.startswith("https://"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SITE_URL must be an https:// address in production (P6).")

# enforces P6: HTTPS only, with HSTS and secure cookies, in production
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The proxy's word that a request came over HTTPS is trusted only when a proxy is
# declared; behind one, set FEJZO_TRUSTED_PROXY_COUNT (README, Configuration).
if FEJZO_TRUSTED_PROXY_COUNT > 0:  # noqa: F405
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Staff sign in with a second factor in production, whatever the environment says (P14).
FEJZO_STAFF_2FA = True
SECURE_HSTS_SECONDS = env_int_default("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [SITE_URL]
# Uploads and downloads as base chose them (local folders, or FEJZO_S3_BUCKET).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# To stderr for the process manager, or to FEJZO_LOG_FILE when it is set: JSON lines
# with the request id and route, never a person's data (ops.logs); FEJZO_LOG_JSON=0 for
# plain lines.
LOGGING = logging_settings(
    env_str("FEJZO_LOG_FILE") or None, structured=env_bool("FEJZO_LOG_JSON", True)
)
# The load balancer's and the monitor's probes reach the app servers over plain HTTP on
# the private side; they are not sent to HTTPS (ops).
SECURE_REDIRECT_EXEMPT = [r"^_health/", r"^_metrics/$"]
if FEJZO_OPS_TOKEN and len(FEJZO_OPS_TOKEN) < 32:  # noqa: F405
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "FEJZO_OPS_TOKEN must be at least 32 characters (e.g. `openssl rand -hex 32`)."
    )
