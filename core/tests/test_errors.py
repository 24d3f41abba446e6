from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_404_page_is_in_albanian(client):
    response = client.get("/kjo-faqe-nuk-ekziston/")
    assert response.status_code == 404
    assert "Faqja nuk u gjet" in response.content.decode()


def test_500_page_is_in_albanian_and_needs_no_database(settings):
    from core.views import server_error

    response = server_error(None)  # type: ignore[arg-type]
    assert response.status_code == 500
    assert "Ndodhi një gabim" in response.content.decode()
    assert "info@3vfejzo.al" in response.content.decode()


def test_language_switch_is_a_link_that_keeps_the_page_and_its_query(client, db):
    assert (
        'href="/en/produkte/?sort=price_asc"'
        in client.get("/produkte/?sort=price_asc").content.decode()
    )
    assert (
        'href="/produkte/?sort=price_asc"'
        in client.get("/en/produkte/?sort=price_asc").content.decode()
    )


def test_p7_anonymous_catalogue_pages_set_only_necessary_cookies(client, db):
    from consent.cookies import CookieCategory, cookie_spec

    for path in ["/", "/produkte/", "/privatesia/"]:
        for name in client.get(path).cookies:
            spec = cookie_spec(name)
            assert spec is not None and spec.category == CookieCategory.NECESSARY, (path, name)


def test_csrf_is_enforced_on_forms():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/shporta/shto/", {"product": 1, "quantity": 1}).status_code == 403


def test_english_storefront_is_translated(client):
    body = client.get("/en/shporta/").content.decode()
    assert "Your cart" in body or "Cart" in body
    assert "Shporta juaj" not in body
    assert 'href="/en/privatesia/"' in body


def test_bad_host_gets_the_albanian_400_page(client, settings):
    settings.ALLOWED_HOSTS = ["3vfejzo.al"]
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Kërkesë e pavlefshme" in response.content.decode()


def test_a_refused_form_gets_the_sites_own_page_without_inline_style():
    response = Client(enforce_csrf_checks=True).post("/llogaria/hyr/", {"username": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulari nuk u pranua" in page
    assert "<style" not in page
