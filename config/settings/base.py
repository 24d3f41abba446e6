"""Settings shared by every environment; the others import and adjust these."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import (
    anymail_settings,
    email_settings,
    env_bool,
    env_int_default,
    env_list,
    env_str,
    logging_settings,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("FEJZO_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CONTACT_EMAIL = "info@3vfejzo.al"
# The account a bank transfer is paid into, as the order pages show it.
FEJZO_BANK_ACCOUNT = {
    "bank": env_str("FEJZO_BANK_NAME", "Banka Kombëtare Tregtare"),
    "holder": env_str("FEJZO_BANK_HOLDER", "3VFejzo sh.p.k."),
    "iban": env_str("FEJZO_BANK_IBAN", "AL47 2121 1009 0000 0002 3569 8741"),
}
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "3VFejzo <no-reply@3vfejzo.al>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

INSTALLED_APPS = [
    # django.contrib.admin, with the back-office site that asks staff for a second factor.
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The sitemap (catalog.sitemaps); no models, only its views and templates.
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.forms",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "policy",
    "accounts",
    "catalog",
    "search",
    "personalisation",
    "cart",
    "orders",
    "mail",
    "privacy",
    # Right after the kernel: its declarations come where privacy's were (the order of
    # the download's sections), and before "staff", which syncs the roles last.
    "rights",
    "consent",
    "subscriptions",
    "campaigns",
    "support",
    "contractors",
    # The contractors' JSON API (django-ninja): above contractors, beside staff.
    "contractor_api",
    # The officer's registers: requests from authorities (P11) and breaches (P14).
    "legal",
    "breaches",
    # Records of processing and the compliance report: they read every app's declarations.
    # Before "staff": their view permissions exist when it syncs the roles.
    "compliance",
    # Production (issue 17): health checks and metrics; backups and the restore that
    # erases again whom the backup still holds. Top layer: they read every app.
    "ops",
    "backups",
    "staff",
    # seed_demo; no models, so staff's role sync after migrate still sees every permission.
    "demo",
]

MIDDLEWARE = [
    # First: a request id, a JSON log line and the request metrics for every response,
    # redirects and static files included, without the path or the client (ops).
    "ops.middleware.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files (SVG included) carry the same policies.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside CSPMiddleware: adds Google's hosts to the policy only while GA is configured.
    "consent.analytics.AnalyticsCSPMiddleware",
    # Also before WhiteNoise: static files refuse framing like pages (views exempt
    # themselves through the response, wherever this stands).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After auth and messages: signs staff out 8 hours after sign-in or 30 minutes idle.
    "accounts.middleware.StaffSessionMiddleware",
    # Remembers a browser after a successful sign-in (accounts.devices).
    "accounts.middleware.KnownDeviceMiddleware",
    # After auth and sessions: a new policy version's notice, and acceptance by next use (P2).
    "policy.middleware.PolicyNoticeMiddleware",
    # Last, as axes asks: it turns a lockout flagged during the view into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "core.forms.ShopFormRenderer"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "catalog.context_processors.navigation",
                "cart.context_processors.cart_summary",
                "consent.context_processors.consent",
                "consent.analytics.analytics_context",
                "personalisation.context_processors.personal_page",
            ],
        },
    },
    # Plain text: mail subjects and text parts (mail.services._render) are rendered here,
    # without HTML escaping, so a name like O'Brien & "Co" reads as typed. HTML mail and
    # every page still use the engine above, which escapes.
    {
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fejzo.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; the timeout makes a
    # busy database wait instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        # secure_delete overwrites freed pages, so a value replaced by its ciphertext
        # leaves no plaintext behind in the file (P6).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The email column is ciphertext (P6); uniqueness is enforced on its blind index,
# accounts.User.email_index, which is what Django's auth.E003 asks for in substance.
SILENCED_SYSTEM_CHECKS = ["auth.E003", "auth.W004"]
# Axes first: it refuses a locked-out account and client before any password is checked.
# Then the per-address slowdown against password spraying (accounts.throttles).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.SignInSlowdownBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "catalog:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
EMAIL_VERIFICATION_TIMEOUT = 60 * 60 * 24 * 3
EMAIL_CHANGE_TIMEOUT = 60 * 60 * 24 * 3

LANGUAGE_CODE = "sq"
LANGUAGES = [("sq", _("Shqip")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Tirane"
# Dates as the site writes them, in every language and in the back office (core.formats).
FORMAT_MODULE_PATH = ["core.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic writes and WhiteNoise serves from (production: outside the checkout).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (product photos) go through the default storage: this folder unless
# STORAGES names another (S3-compatible) backend. Code uses the storage API only.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Django serves these folders of the default storage at MEDIA_URL (core.media); turn it
# off where a web server or the storage's own host serves them. Nothing else is served.
FEJZO_SERVE_MEDIA = env_bool("FEJZO_SERVE_MEDIA", True)
FEJZO_PUBLIC_MEDIA_FOLDERS = ["catalog/photos/"]
# Shared files for more than one machine (issue 17): with FEJZO_S3_BUCKET set, uploads
# ("default", under media/) and the customers' downloads ("exports", under exports/) go
# to that bucket of any S3-compatible store (FEJZO_S3_ENDPOINT_URL, FEJZO_S3_REGION;
# credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). Nothing in it is public:
# the shop serves the public photos and streams downloads after its checks. Unset, the
# local folders MEDIA_ROOT and DATA_EXPORT_DIR stay in use.
FEJZO_S3_BUCKET = env_str("FEJZO_S3_BUCKET", "")
if FEJZO_S3_BUCKET:
    _S3_ENDPOINT_URL = env_str("FEJZO_S3_ENDPOINT_URL") or None
    _S3 = {
        "bucket_name": FEJZO_S3_BUCKET,
        "endpoint_url": _S3_ENDPOINT_URL,
        "region_name": env_str("FEJZO_S3_REGION") or None,
        # Other S3-compatible stores answer path-style addresses; AWS answers both.
        "addressing_style": "path" if _S3_ENDPOINT_URL else None,
        "default_acl": None,
        "file_overwrite": False,
    }
    STORAGES = {
        "default": {
            "BACKEND": "core.storage_s3.MediaS3Storage",
            "OPTIONS": {**_S3, "location": "media"},
        },
        "exports": {
            "BACKEND": "core.storage_s3.PrivateS3Storage",
            "OPTIONS": {**_S3, "location": "exports"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "exports": {"BACKEND": "core.storage.ExportFileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script of ours reads the CSRF cookie: every form carries the token in a hidden field.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The same policy in every environment, so the test suite and the browser tests meet
# any inline script or style before production does (P6). Nothing inline is allowed:
# scripts and styles come from our own static files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Added to the policy above only while GA_MEASUREMENT_ID is set (P7), by
# consent.analytics.AnalyticsCSPMiddleware; unset, the policy names no Google host.
# connect-src repeats 'self', which it would otherwise stop inheriting from default-src.
GA_CONTENT_SECURITY_POLICY_UPDATE = {
    "script-src": ["https://www.googletagmanager.com"],
    "connect-src": [
        SELF,
        "https://*.google-analytics.com",
        "https://*.analytics.google.com",
        "https://www.googletagmanager.com",
    ],
    "img-src": [
        "https://*.google-analytics.com",
        "https://*.analytics.google.com",
        "https://www.googletagmanager.com",
    ],
}
# The shop needs none of these browser features; an injected script gets none either.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Brute-force lockout (P14), for the storefront and the back-office sign-in alike.
# Locking the pair (account, client address) stops guessing from one place without
# letting an attacker lock a customer out everywhere by failing on purpose.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Attempts are recorded under a keyed hash of the address, never the address itself.
AXES_USERNAME_CALLABLE = "accounts.axes.username_blind_index"
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip_address"
AXES_LOCKOUT_CALLABLE = "accounts.axes.lockout_response"
# Masked in the stored GET/POST data and in axes' log lines (client addresses included).
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "password",
    "otp_token",
    "csrfmiddlewaretoken",
    "ip_address",
]
# No record of successful sign-ins, and no permanent log of failures: the attempt
# rows live only as long as the cool-off that needs them.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Attempt rows hold client addresses (personal data); they are not a back-office page
# (P5). A lockout ends by itself after the cool-off; `axes_reset_ip` ends it sooner.
AXES_ENABLE_ADMIN = False
# Password spraying (P14): a few guesses on each of many accounts stay under the
# lockout above, which counts per account and client address. So failed sign-ins with
# one email address are also counted from every client together: after
# SIGN_IN_SLOWDOWN_FREE_FAILURES, the next attempt with that address is refused
# unheard until SIGN_IN_SLOWDOWN_BASE_SECONDS have passed, doubling with each further
# failure up to SIGN_IN_SLOWDOWN_MAX_SECONDS. The failures are forgotten
# SIGN_IN_SLOWDOWN_FORGET_SECONDS after the last one, or at a successful sign-in.
# Unknown addresses are counted alike, so the wait tells nobody which accounts exist.
SIGN_IN_SLOWDOWN_FREE_FAILURES = env_int_default("SIGN_IN_SLOWDOWN_FREE_FAILURES", 3)
SIGN_IN_SLOWDOWN_BASE_SECONDS = env_int_default("SIGN_IN_SLOWDOWN_BASE_SECONDS", 60)
SIGN_IN_SLOWDOWN_MAX_SECONDS = env_int_default("SIGN_IN_SLOWDOWN_MAX_SECONDS", 15 * 60)
SIGN_IN_SLOWDOWN_FORGET_SECONDS = env_int_default("SIGN_IN_SLOWDOWN_FORGET_SECONDS", 60 * 60)
# How many reverse proxies in front of the site append to X-Forwarded-For. 0 trusts only
# the socket address; behind one proxy that would put every visitor on one address.
FEJZO_TRUSTED_PROXY_COUNT = env_int_default("FEJZO_TRUSTED_PROXY_COUNT", 0)

# Staff sessions (P6, P14) end STAFF_SESSION_MAX_SECONDS after signing in, or after
# STAFF_SESSION_IDLE_SECONDS without a request, in the back office and the storefront
# alike. Customers keep Django's default (SESSION_COOKIE_AGE, two weeks).
STAFF_SESSION_MAX_SECONDS = env_int_default("STAFF_SESSION_MAX_SECONDS", 8 * 60 * 60)
STAFF_SESSION_IDLE_SECONDS = env_int_default("STAFF_SESSION_IDLE_SECONDS", 30 * 60)

# Staff second factor (P14): the back office admits only a session verified with a
# TOTP code. Off in local development and the test suite; production keeps it on.
FEJZO_STAFF_2FA = env_bool("FEJZO_STAFF_2FA", True)
OTP_TOTP_ISSUER = "3VFejzo"
# The enrolment page is the only place a secret is shown; the device admin hides it.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

TASKS = {
    "default": {
        # Enqueueing writes a row in the same database and the same transaction as
        # the change that caused it: the outbox and its task commit or roll back together.
        "BACKEND": "django_tasks_db.DatabaseBackend",
    }
}

vars().update(email_settings(env_str("EMAIL_URL", f"maildir://{VAR_DIR / 'mail'}")))
# An email provider's API instead (django-anymail); its bounce and complaint webhooks,
# at /anymail/<provider>/tracking/, put addresses on the suppression list (P13).
_anymail = anymail_settings(os.environ)
vars().update(_anymail)
ANYMAIL_ESP: str = _anymail["ANYMAIL_ESP"]
if ANYMAIL_ESP:
    INSTALLED_APPS.append("anymail")

# Delivery retries: delay before attempt n is min(MAIL_RETRY_BASE * 2**(n-1), MAIL_RETRY_MAX).
MAIL_RETRY_BASE_SECONDS = 30
MAIL_RETRY_MAX_SECONDS = 60 * 60
MAIL_MAX_ATTEMPTS = 12
# A worker that claimed a message and then vanished gives it up after this long.
MAIL_CLAIM_SECONDS = 120

# DKIM (mail.dkim): with a key, every message the shop sends is signed (rsa-sha256,
# relaxed/relaxed), List-Unsubscribe included. The key: FEJZO_DKIM_KEY_FILE names a PEM
# file, or FEJZO_DKIM_PRIVATE_KEY holds the PEM ("\n" for line breaks); its DNS record
# is <FEJZO_DKIM_SELECTOR>._domainkey.<FEJZO_DKIM_DOMAIN, else DEFAULT_FROM_EMAIL's>.
# `manage.py mail_dns` prints it with SPF (FEJZO_SPF_SENDERS: the relay's addresses,
# ip4:/ip6: ranges, a, mx or include:<provider>) and DMARC (FEJZO_DMARC_POLICY
# quarantine or reject; reports to FEJZO_DMARC_RUA, else dmarc@<domain>).
FEJZO_DKIM_SELECTOR = env_str("FEJZO_DKIM_SELECTOR")
FEJZO_DKIM_DOMAIN = env_str("FEJZO_DKIM_DOMAIN")
FEJZO_DKIM_PRIVATE_KEY = env_str("FEJZO_DKIM_PRIVATE_KEY")
FEJZO_DKIM_KEY_FILE = env_str("FEJZO_DKIM_KEY_FILE")
FEJZO_SPF_SENDERS = env_str("FEJZO_SPF_SENDERS")
FEJZO_DMARC_POLICY = env_str("FEJZO_DMARC_POLICY", "quarantine")
FEJZO_DMARC_RUA = env_str("FEJZO_DMARC_RUA")

# Mail anyone can make the shop send to an address someone typed (password reset,
# verification resend, footer sign-up, email change), counted in the database so every
# worker shares the count (accounts.counters): per MAIL_THROTTLE_WINDOW_SECONDS, at most
# MAIL_THROTTLE_PER_ADDRESS requests to one address and MAIL_THROTTLE_PER_CLIENT from
# one client (an IPv4 address, an IPv6 /64). Past either the page answers as usual and
# no mail is written.
MAIL_THROTTLE_WINDOW_SECONDS = env_int_default("MAIL_THROTTLE_WINDOW_SECONDS", 60 * 60)
MAIL_THROTTLE_PER_ADDRESS = env_int_default("MAIL_THROTTLE_PER_ADDRESS", 3)
MAIL_THROTTLE_PER_CLIENT = env_int_default("MAIL_THROTTLE_PER_CLIENT", 10)

MAIL_VIEWER_ENABLED = False
# seed_demo creates staff accounts with published passwords; production refuses it.
DEMO_DATA_ALLOWED = True

# Per-process cache for rendered catalogue fragments. Keys carry the catalogue
# revision read from the database, so processes never serve each other stale pages.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fejzo",
        # A card per product and language stays kept for a catalogue of 10,000 products.
        "OPTIONS": {"MAX_ENTRIES": 25000},
    }
}
CATALOG_CACHE_SECONDS = 600

VAT_RATE_PERCENT = 20
CATALOG_PAGE_SIZE = 24

LOGGING = logging_settings(None)

# Health and metrics (ops, issue 17). /_health/ says to anyone only whether the shop is
# up; its details and /_metrics/ need the bearer FEJZO_OPS_TOKEN, or a request made
# straight to the app server on loopback (no proxy header). The thresholds past which a
# check turns red: the worker's heartbeat, the outbox (messages due but not delivered;
# the oldest unsent one) and the last walk of the access record's chain.
FEJZO_OPS_TOKEN = env_str("FEJZO_OPS_TOKEN", "")
OPS_WORKER_STALE_SECONDS = env_int_default("OPS_WORKER_STALE_SECONDS", 5 * 60)
OPS_OUTBOX_BACKLOG_MAX = env_int_default("OPS_OUTBOX_BACKLOG_MAX", 200)
OPS_OUTBOX_OLDEST_MAX_SECONDS = env_int_default("OPS_OUTBOX_OLDEST_MAX_SECONDS", 30 * 60)
OPS_CHAIN_VERIFIED_MAX_HOURS = env_int_default("OPS_CHAIN_VERIFIED_MAX_HOURS", 26)

# Purpose-bound access (P5): how long a break-glass reveal stays open.
FEJZO_BREAK_GLASS_MINUTES = 15
# Whether the customer's "who has seen my data" page names the staff member (P5).
FEJZO_TRANSPARENCY_SHOWS_STAFF_NAMES = env_bool("FEJZO_TRANSPARENCY_SHOWS_STAFF_NAMES", False)
# A staff member's privacy training is flagged this many days before it expires (P14).
FEJZO_TRAINING_WARNING_DAYS = 30

# Cookie consent (P7). Raise the revision when the banner's text or the cookie list
# changes in a way visitors must see: everyone is asked again, told the note.
CONSENT_BANNER_REVISION = 1
CONSENT_REVISION_NOTE = ""
CONSENT_MAX_AGE_DAYS = env_int_default("CONSENT_MAX_AGE_DAYS", 365)
# Google Analytics 4, only when set (e.g. G-XXXXXXXXXX); unset, pages carry no Google code.
GA_MEASUREMENT_ID = env_str("GA_MEASUREMENT_ID", "")
# Break-glass notices go here when no other data-protection officer has an account.
FEJZO_DPO_FALLBACK_EMAIL = env_str("FEJZO_DPO_FALLBACK_EMAIL", CONTACT_EMAIL)
# A breach drill's notices go here, never to the people it names (P14, breaches.notices).
FEJZO_BREACH_DRILL_EMAIL = env_str("FEJZO_BREACH_DRILL_EMAIL", FEJZO_DPO_FALLBACK_EMAIL)

# Marketing mail (P8, P13). Visitor sign-ups not confirmed within this many days are
# deleted, and their confirmation link stops working.
SUBSCRIPTION_UNCONFIRMED_DAYS = 7
# The campaign engine: recipients per claim, how long a claim outlives a silent worker,
# how long one task runs before handing over (so order mail is never stuck behind a
# campaign), how many tasks share a campaign, and a per-worker cap in messages a
# second (0 = no cap).
CAMPAIGN_BATCH_SIZE = 100
CAMPAIGN_LEASE_SECONDS = env_int_default("CAMPAIGN_LEASE_SECONDS", 120)
CAMPAIGN_TASK_SECONDS = 20
CAMPAIGN_PARALLEL_TASKS = env_int_default("CAMPAIGN_PARALLEL_TASKS", 4)
CAMPAIGN_RATE_PER_WORKER = env_int_default("CAMPAIGN_RATE_PER_WORKER", 0)
CAMPAIGN_MAX_ATTEMPTS = 5
# How often the watchdog revives campaigns whose tasks died with their worker.
CAMPAIGN_WATCHDOG_SECONDS = 300

# Privacy rights (P12). An erasure request is answered within a month of receipt,
# extendable once by two; its confirmation link lasts a week; the data-protection
# officer is mailed this many days before a due date.
ERASURE_RESPONSE_MONTHS = 1
ERASURE_EXTENSION_MONTHS = 2
ERASURE_CONFIRMATION_DAYS = 7
ERASURE_REMINDER_DAYS = env_int_default("ERASURE_REMINDER_DAYS", 7)
# Retention: how long each kind of data lives (the table in docs/retention.md is
# generated from these). Nothing is kept forever.
ACCOUNTING_RETENTION_YEARS = env_int_default("ACCOUNTING_RETENTION_YEARS", 10)
ACCOUNT_INACTIVE_YEARS = env_int_default("ACCOUNT_INACTIVE_YEARS", 3)
ACCOUNT_INACTIVE_WARNING_DAYS = 30
CANCELLED_ORDER_RETENTION_MONTHS = env_int_default("CANCELLED_ORDER_RETENTION_MONTHS", 12)
OUTBOX_RETENTION_DAYS = env_int_default("OUTBOX_RETENTION_DAYS", 90)
SUPPORT_CASE_RETENTION_YEARS = env_int_default("SUPPORT_CASE_RETENTION_YEARS", 2)
# Mail to info@ reaches support cases through Mailgun's inbound route (docs/adr/0006):
# the key its posts are signed with. Unset, the webhook answers 404.
SUPPORT_INBOUND_SIGNING_KEY = env_str("SUPPORT_INBOUND_SIGNING_KEY", "")
SECURITY_LOG_RETENTION_DAYS = env_int_default("SECURITY_LOG_RETENTION_DAYS", 90)
CONSENT_PROOF_RETENTION_YEARS = env_int_default("CONSENT_PROOF_RETENTION_YEARS", 3)
SUPPRESSION_RETENTION_YEARS = env_int_default("SUPPRESSION_RETENTION_YEARS", 10)
CART_RETENTION_DAYS = env_int_default("CART_RETENTION_DAYS", 90)
REQUEST_RECORD_RETENTION_YEARS = env_int_default("REQUEST_RECORD_RETENTION_YEARS", 5)
# Legal requests (P11): kept this long after the decision, with their documents.
LEGAL_REQUEST_RETENTION_YEARS = env_int_default("LEGAL_REQUEST_RETENTION_YEARS", 5)
# Contractors (P10): a closed job stays readable on the portal this long, then its
# personal data disappears; closed jobs are deleted after the retention period.
CONTRACTOR_GRACE_HOURS = env_int_default("CONTRACTOR_GRACE_HOURS", 24)
CONTRACTOR_JOB_RETENTION_DAYS = env_int_default("CONTRACTOR_JOB_RETENTION_DAYS", 365)
# The DPO is reminded this many days before a contractor's agreement ends.
CONTRACTOR_AGREEMENT_REMINDER_DAYS = 30

# Downloads of a customer's data (P12): the encrypted ZIPs live here, and the link
# mailed for each works this many days; the file is deleted once it has expired.
DATA_EXPORT_DIR = Path(env_str("DATA_EXPORT_DIR", str(VAR_DIR / "exports")))
DATA_EXPORT_LINK_DAYS = env_int_default("DATA_EXPORT_LINK_DAYS", 7)

# Backups (issue 17, `manage.py backup` / `restore`): written under BACKUP_DIR, encrypted
# with FEJZO_BACKUP_KEY (or the key in FEJZO_BACKUP_KEY_FILE), a key kept apart from the
# data keys and read only by those two commands. The erased subjects' journal lives
# outside every backup, so a restore can erase again whoever a backup still holds; with
# more than one machine it must name a path they share. Empty: no journal.
BACKUP_DIR = Path(env_str("FEJZO_BACKUP_DIR", str(VAR_DIR / "backups")))
ERASURE_JOURNAL = env_str("FEJZO_ERASURE_JOURNAL", str(VAR_DIR / "erasure-journal.jsonl"))
