"""A search that found nothing is served from a whole page kept with holes, and the
answer is byte for byte the one a fresh render of the same request gives."""

from __future__ import annotations

import re
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.tests.factories import UserFactory
from catalog.tests.conftest import Catalogue
from consent.cookies import CONSENT_COOKIE
from consent.tests.factories import chosen_consent_cookie
from search import views as search_views

pytestmark = pytest.mark.django_db

HOLES = "\ue001query\ue001 %EE%80%81query%EE%80%81 \ue001address\ue001 %EE%80%81address%EE%80%81"
QUERIES = [
    "zzqx",
    '<script>alert("x")</script>',
    "a&b 'c' \"d\" 50%/60% + ëç",
    HOLES,
    # The shared cache's own placeholders: its page puts the token there, so does ours.
    "zzqx \ue000csrf-token\ue000 \ue000fresh-0\ue000",
    "televizor?q=1&brand=lg#foto",
    "жзщ 日本語 🙂 qqzz",
    "qqzz " * 20,  # a hundred letters, the longest the box takes
    "q" * 101,  # too long: refused, the page invites a query
]
# The same words, written into the address as browsers and hand-made links do.
RAW_QUERY_STRINGS = [
    "q=zzqx+qqzz",
    "q=zzqx%20qqzz",
    "q=%C3%ABzzqx",
    "q=ëzzqx".encode().decode("iso-8859-1"),  # unencoded, as a WSGI server passes it
    "q=zz%2Bqq%26%3C%3E%22%27",
    "q=zz%23qq",
    "q=zz'qq&",  # characters the address keeps as they are, and HTML escapes
    "q=zz#qq",  # a "#" sent as it is: the language link splits it off
    "q=%EE%80%81address%EE%80%81",
    "q=%25EE%2580%2581address%25EE%2580%2581",
    "q=zzqx&q=qqzz",  # two boxes: not a plain search, rendered as it is
]
VISITORS = ["first", "shopper", "decided", "customer"]
# Who is served the kept page; a signed-in customer's pages are never stored (P5).
STORED_FOR = {"first", "shopper", "decided"}


@pytest.fixture(autouse=True)
def _fixed_tokens(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The same CSRF token every time, so two answers compare byte for byte."""
    monkeypatch.setattr("django.middleware.csrf._get_new_csrf_string", lambda: "T" * 32)
    cache.clear()
    yield
    cache.clear()


def _visitor(kind: str, catalogue: Catalogue) -> Client:
    client = Client()
    if kind == "shopper":
        client.post("/shporta/shto/", {"product": catalogue.samsung_tv.pk, "quantity": 1})
        client.get("/shporta/")  # shows (and so uses up) the "added" message
    elif kind == "decided":
        client.cookies[CONSENT_COOKIE] = chosen_consent_cookie(analytics=True)
    elif kind == "customer":
        client.force_login(UserFactory())
    return client


def _answer(client: Client, path: str, query_string: str) -> dict[str, Any]:
    """Ask as the visitor is now, leaving their cookies as they were."""
    kept = SimpleCookie()
    kept.load(client.cookies.output(header="", sep=";"))
    response = client.get(path, QUERY_STRING=query_string)
    client.cookies = kept
    return {
        "status": response.status_code,
        # Without the request's own id, which every response has afresh (ops).
        "headers": sorted(
            (name, value) for name, value in response.headers.items() if name != "X-Request-ID"
        ),
        # Without the expiry date, which moves with the clock.
        "cookies": re.sub(r"expires=[^;]*; ", "", response.cookies.output()),
        "content": response.content,
        "templates": [template.name for template in response.templates],
    }


def _afresh(
    client: Client, path: str, query_string: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """The answer rendered as any search is, with nothing kept."""
    cache.clear()
    with monkeypatch.context() as patch:
        patch.setattr(search_views, "_found_nothing_plainly", lambda request, outcome: False)
        answer = _answer(client, path, query_string)
    cache.clear()
    return answer


def _same(answer: dict[str, Any], afresh: dict[str, Any]) -> None:
    assert answer["status"] == afresh["status"] == 200
    assert answer["content"].decode() == afresh["content"].decode()
    assert answer["headers"] == afresh["headers"]
    assert answer["cookies"] == afresh["cookies"]


def _holed_pages_served(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the query strings put into a kept whole page."""
    served: list[str] = []
    fill = search_views._holes_fill

    def spy(html: str, *, query: str, query_string: str = "") -> Any:
        if query_string:
            served.append(query_string)
        return fill(html, query=query, query_string=query_string)

    monkeypatch.setattr(search_views, "_holes_fill", spy)
    return served


def _query_strings() -> list[str]:
    return [urlencode({"q": query}) for query in QUERIES] + RAW_QUERY_STRINGS


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("path", ["/kerko/", "/en/kerko/"])
def test_a_search_that_found_nothing_is_the_page_a_fresh_render_gives(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch, path: str, visitor: str
) -> None:
    client = _visitor(visitor, catalogue)
    served = _holed_pages_served(monkeypatch)
    for query_string in _query_strings():
        afresh = _afresh(client, path, query_string, monkeypatch)
        # when: the first search that finds nothing (the kept page is made) ...
        _same(_answer(client, path, query_string), afresh)
        # ... the same address again, and after another search kept the page
        _same(_answer(client, path, query_string), afresh)
        cache.clear()
        _answer(client, path, "q=" + quote("zzzq qqqz"))
        _same(_answer(client, path, query_string), afresh)

    assert "\ue001" not in afresh["content"].decode()
    if visitor in STORED_FOR:
        # then: most of those were served from the kept page, with their own address
        assert {"q=zzqx+qqzz", "q=zz'qq&", urlencode({"q": HOLES})} <= set(served)
    assert not {"q=zz#qq", "q=zzqx&q=qqzz"} & set(served)


@pytest.mark.parametrize("visitor", sorted(STORED_FOR))
def test_a_new_search_that_found_nothing_renders_no_more_than_a_kept_page(
    catalogue: Catalogue, visitor: str
) -> None:
    client = _visitor(visitor, catalogue)
    _answer(client, "/kerko/", "q=zzqx")
    # when: a search nobody made before, that finds nothing
    answer = _answer(client, "/kerko/", "q=" + quote("qqzz <b>"))
    # then: the page, banner and header come from the kept page
    assert answer["templates"] == ["catalog/product_list.html", "base.html"]
    assert 'value="qqzz &lt;b&gt;"' in answer["content"].decode()


def test_each_language_and_kind_of_visitor_keeps_a_page_of_its_own(
    catalogue: Catalogue,
) -> None:
    first, decided = _visitor("first", catalogue), _visitor("decided", catalogue)
    _answer(first, "/kerko/", "q=zzqx")
    english = _answer(first, "/en/kerko/", "q=qqzz")["content"].decode()
    asked = _answer(first, "/kerko/", "q=qzqz")["content"].decode()
    not_asked = _answer(decided, "/kerko/", "q=zqzq")["content"].decode()

    assert '<html lang="en">' in english and 'href="/kerko/?q=qqzz" lang="sq"' in english
    assert "data-consent-banner>" in asked
    assert "data-consent-banner hidden>" in not_asked
    assert 'name="next" value="/kerko/?q=zqzq"' in not_asked
