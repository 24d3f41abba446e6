"""P6: static files served by WhiteNoise carry the same security headers as pages."""

from __future__ import annotations

import pytest

SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
    "Content-Security-Policy",
    "X-Frame-Options",
)
STATIC_FILES = ("/static/css/site.css", "/static/js/consent.js", "/static/img/favicon.svg")


@pytest.fixture
def production_like(settings):  # type: ignore[no-untyped-def]
    """HTTPS behind one proxy, with production's HSTS (config/settings/production.py)."""
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    settings.FEJZO_TRUSTED_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The test settings collect no static files; WhiteNoise finds them where they are.
    settings.WHITENOISE_USE_FINDERS = True
    return settings


def _through_the_proxy(client, path):  # type: ignore[no-untyped-def]
    return client.get(path, HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="127.0.0.1")


@pytest.mark.django_db
@pytest.mark.parametrize("static_path", STATIC_FILES)
def test_p6_static_files_carry_the_same_security_headers_as_pages(
    client, production_like, static_path
):
    page = _through_the_proxy(client, "/")
    static = _through_the_proxy(client, static_path)

    assert page.status_code == 200
    assert static.status_code == 200
    for name in SECURITY_HEADERS:
        assert page.get(name), f"the page lacks {name}"
        assert static.get(name) == page.get(name), name
    assert static["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


@pytest.mark.django_db
def test_p6_static_files_over_plain_http_are_sent_to_https_like_pages(client, production_like):
    # No proxy said HTTPS: the answer is a redirect, not the file without HSTS.
    static = client.get(STATIC_FILES[0])

    assert static.status_code == 301
    assert static["Location"].startswith("https://")
