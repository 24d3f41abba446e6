"""P6: production passes Django's deployment checks, and every response carries the
browser-side protections (CSP without inline code, permissions, referrer, framing)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from conftest import TEST_PASSWORD
from core.testing import run_tasks
from core.tests.test_config import PRODUCTION_ENV
from mail.models import MailKind
from mail.services import mail_enqueue

BASE_DIR = Path(django_settings.BASE_DIR)
DEPLOY_ENV = {
    **PRODUCTION_ENV,
    # Long and varied, as Django's security.W009 asks of a real key; used only here.
    "SECRET_KEY": "p6-deploy-check-Zq8vN3xR7tLw2KpYb5HcJm9DfGs4QaUe6TnVr1WoXiBz",
    "DATABASE_URL": "postgres://postgres:postgres@127.0.0.1:5432/fejzo",
    # Two different 32-byte keys, base64url: encryption and blind index never share one.
    "FEJZO_ENCRYPTION_KEYS": "cDYtdGVzdC1lbmNyeXB0aW9uLWtleS0wMDAwMDAwMDE",
    "FEJZO_BLIND_INDEX_KEY": "cDYtdGVzdC1ibGluZC1pbmRleC1rZXktMDAwMDAwMDE",
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
}
EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "serial", "hid"]
# Mail is styled inline because mail clients ignore style sheets; it is never served
# as a page of the site (the development viewer frames it in its own sandbox).
MAIL_BODIES = re.compile(r"templates/(campaigns/)?mail/(_layout|[a-z_]+/body|body)\.html$")
# Never served either: the report inside a customer's data download, opened from the ZIP
# on their own computer, must carry its own styles.
STANDALONE_FILES = {"templates/rights/export_report.html"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _policy(header: str) -> dict[str, str]:
    directives = (part.strip() for part in header.split(";") if part.strip())
    return dict((name, value.strip()) for name, _, value in (d.partition(" ") for d in directives))


def _inline_code(html: str) -> list[str]:
    found = []
    for pattern in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER, JAVASCRIPT_URL):
        found += pattern.findall(html)
    return found


def test_p6_deploy_checks_pass_without_a_single_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=DEPLOY_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout
    assert "?: (" not in result.stdout + result.stderr


def test_p14_production_keeps_the_second_factor_whatever_the_environment_says():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**DEPLOY_ENV, "FEJZO_STAFF_2FA": "0"}
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "staff.W001" not in result.stdout + result.stderr


def test_p14_deploy_checks_flag_a_back_office_without_second_factor(settings):
    from staff.checks import STAFF_2FA_OFF, check_staff_two_factor

    settings.FEJZO_STAFF_2FA = False
    assert [message.id for message in check_staff_two_factor()] == [STAFF_2FA_OFF]


def test_p6_production_settings_values():
    names = [
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "X_FRAME_OPTIONS",
        "MIDDLEWARE",
        "AUTHENTICATION_BACKENDS",
        "CONTENT_SECURITY_POLICY",
        "PERMISSIONS_POLICY",
        "FEJZO_STAFF_2FA",
        "AXES_LOCKOUT_PARAMETERS",
        "AXES_USERNAME_CALLABLE",
        "AXES_DISABLE_ACCESS_LOG",
        "AXES_ENABLE_ACCESS_FAILURE_LOG",
    ]
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **DEPLOY_ENV},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])

    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["FEJZO_STAFF_2FA"] is True
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert {name: " ".join(sources) for name, sources in directives.items()} == EXPECTED_CSP
    assert all(values["PERMISSIONS_POLICY"][feature] == [] for feature in DENIED_FEATURES)
    middleware = values["MIDDLEWARE"]
    for name in (
        "csp.middleware.CSPMiddleware",
        "django_permissions_policy.PermissionsPolicyMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ):
        assert name in middleware
    assert middleware[-1] == "axes.middleware.AxesMiddleware"
    assert middleware.index("django_otp.middleware.OTPMiddleware") > middleware.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )
    assert values["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert values["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert values["AXES_USERNAME_CALLABLE"] == "accounts.axes.username_blind_index"
    assert values["AXES_DISABLE_ACCESS_LOG"] is True
    assert values["AXES_ENABLE_ACCESS_FAILURE_LOG"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/en/", "/llogaria/hyr/", "/zyra/login/", "/nuk-ekziston/"])
def test_p6_responses_carry_the_browser_protections(client, path):
    response = client.get(path)

    assert _policy(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert "unsafe" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in permissions
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_p6_session_and_csrf_cookies_are_out_of_reach_of_scripts(client, customer):
    client.get("/llogaria/hyr/")
    client.post("/llogaria/hyr/", {"username": customer.email, "password": TEST_PASSWORD})

    assert client.cookies["sessionid"]["httponly"]
    assert client.cookies["csrftoken"]["httponly"]


def test_p6_no_template_carries_inline_script_style_or_event_handler():
    template_dirs = [BASE_DIR / "templates"] + [
        path for path in BASE_DIR.glob("*/templates") if ".venv" not in path.parts
    ]
    offenders = {}
    for directory in template_dirs:
        for template in directory.rglob("*.html"):
            relative = template.relative_to(BASE_DIR).as_posix()
            if MAIL_BODIES.search(relative) or relative in STANDALONE_FILES:
                continue
            found = _inline_code(template.read_text())
            if found:
                offenders[relative] = found
    assert offenders == {}


def test_p6_no_static_script_reads_the_csrf_cookie():
    for script in (BASE_DIR / "static").rglob("*.js"):
        assert "csrftoken" not in script.read_text(), script


@pytest.mark.django_db
def test_p6_admin_change_form_renders_with_its_scripts_under_the_policy(admin_client):
    product = ProductFactory()

    response = admin_client.get(f"/zyra/catalog/product/{product.pk}/change/")
    html = response.content.decode()

    assert response.status_code == 200
    assert _policy(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert _inline_code(html) == []
    for script in ("admin/js/core.js", "admin/js/change_form.js", "admin/js/prepopulate.js"):
        assert script in html


@pytest.mark.django_db
def test_p6_staff_second_factor_pages_have_no_inline_code(client, settings):
    settings.FEJZO_STAFF_2FA = True
    client.force_login(UserFactory(is_staff=True))

    for path in ["/zyra/login/", "/zyra/2fa/"]:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert _inline_code(response.content.decode()) == [], path


@pytest.mark.django_db
def test_p6_development_mail_preview_is_sandboxed_in_its_own_response(
    client, customer, settings, tmp_path
):
    settings.EMAIL_BACKEND = "mail.backends.MaildirBackend"
    settings.EMAIL_MAILDIR = str(tmp_path / "mail")
    settings.MAIL_VIEWER_ENABLED = True
    mail_enqueue(
        kind=MailKind.WELCOME,
        to_address=customer.email,
        language="sq",
        recipient=customer,
        context={"first_name": customer.first_name},
    )
    run_tasks()
    [message] = client.get("/_dev/mail/").context["mail_messages"]

    detail = client.get(f"/_dev/mail/{message['key']}/")
    preview = client.get(f"/_dev/mail/{message['key']}/html/")

    assert _inline_code(detail.content.decode()) == []
    assert f'src="/_dev/mail/{message["key"]}/html/"' in detail.content.decode()
    policy = _policy(preview["Content-Security-Policy"])
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"
    assert "sandbox" in policy
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert customer.first_name in preview.content.decode()
