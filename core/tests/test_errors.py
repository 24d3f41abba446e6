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


def _page_while_handling(error: Exception):  # type: ignore[no-untyped-def]
    from core.views import server_error

    try:
        raise error
    except Exception:
        return server_error(None)  # type: ignore[arg-type]


def test_p14_a_database_that_does_not_answer_gives_a_clear_503():
    from django.db import OperationalError

    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError as lost:
        # Wrapped by whatever was running, its cause the database's error.
        wrapped = RuntimeError("while rendering")
        wrapped.__cause__ = lost
        response = _page_while_handling(wrapped)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Pak çaste pa shërbim" in page and "provoni sërish" in page.lower()
    assert "server closed" not in page


@pytest.mark.parametrize(
    ("error", "status"),
    [
        ("EndpointConnectionError", 503),
        ("NoSuchBucket", 503),
        ("ServiceUnavailable", 503),
        ("NoSuchKey", 500),
        ("ValueError", 500),
    ],
)
def test_p14_a_file_store_that_is_away_gives_503_and_other_errors_500(error, status):
    from botocore.exceptions import ClientError, EndpointConnectionError

    if error == "EndpointConnectionError":
        raised: Exception = EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
    elif error == "ValueError":
        raised = ValueError("a bug")
    else:
        code = {"NoSuchBucket": 404, "ServiceUnavailable": 503, "NoSuchKey": 404}[error]
        raised = ClientError(
            {"Error": {"Code": error}, "ResponseMetadata": {"HTTPStatusCode": code}}, "GetObject"
        )
    assert _page_while_handling(raised).status_code == status


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
