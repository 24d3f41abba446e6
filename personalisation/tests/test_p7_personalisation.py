"""P7: personalisation from first-party browsing data, only with consent, never shared."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core import signing
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from catalog.models import Product
from catalog.tests.conftest import Catalogue
from catalog.tests.factories import ProductFactory
from consent.cookies import CONSENT_COOKIE, RECENTLY_VIEWED_COOKIE, CookieCategory, cookie_spec
from consent.state import ConsentState
from personalisation.history import (
    HISTORY_LENGTH,
    HISTORY_MAX_AGE,
    SIGNING_SALT,
    history_forget,
    history_read,
)
from personalisation.selectors import recently_viewed, suggestions

pytestmark = pytest.mark.django_db

RECENT = 'id="recently-viewed-title"'
SUGGESTED = 'id="suggestions-title"'
BEST = 'id="best-sellers-title"'
THIRTY_DAYS = 30 * 24 * 60 * 60


def _consent_cookie(*, personalisation: bool) -> str:
    return ConsentState(
        consent_id="t",
        analytics=False,
        personalisation=personalisation,
        revision=getattr(settings, "CONSENT_BANNER_REVISION", 1),
        policy_version=1,
        decided_at=timezone.now(),
    ).to_cookie()


def _visitor(*, personalisation: bool | None) -> Client:
    """Return a browser that made no choice (None) or the given personalisation choice."""
    browser = Client()
    if personalisation is not None:
        browser.cookies[CONSENT_COOKIE] = _consent_cookie(personalisation=personalisation)
    return browser


@pytest.fixture
def consenting() -> Client:
    return _visitor(personalisation=True)


def _page(browser: Client, url: str) -> str:
    response = browser.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _section(html: str, heading: str) -> str:
    """Return the section that starts at ``heading``, up to its end."""
    start = html.index(heading)
    return html[start : html.index("</section>", start)]


def _history(browser: Client) -> list[int]:
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in browser.cookies.items()}
    return history_read(request)


def _shows(html: str, product: Product) -> bool:
    return product.get_absolute_url() in html


# Consent given: a history in the visitor's own browser, and blocks drawn from it


def test_p7_registry_describes_the_history_cookie_as_personalisation() -> None:
    spec = cookie_spec(RECENTLY_VIEWED_COOKIE)
    assert spec is not None and spec.category == CookieCategory.PERSONALISATION
    assert "30" in str(spec.lifetime) and HISTORY_MAX_AGE.days == 30


def test_p7_viewing_products_with_consent_keeps_a_signed_history(
    consenting: Client, catalogue: Catalogue
) -> None:
    # when
    consenting.get(catalogue.samsung_tv.get_absolute_url())
    response = consenting.get(catalogue.lg_oled.get_absolute_url())
    # then
    cookie = response.cookies[RECENTLY_VIEWED_COOKIE]
    assert cookie["max-age"] == THIRTY_DAYS
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    assert str(catalogue.samsung_tv.pk) not in cookie.value.split(":")[0]  # signed, not plain
    assert _history(consenting) == [catalogue.lg_oled.pk, catalogue.samsung_tv.pk]


def test_p7_history_cookie_is_secure_over_https(consenting: Client, catalogue: Catalogue) -> None:
    response = consenting.get(catalogue.samsung_tv.get_absolute_url(), secure=True)
    assert response.cookies[RECENTLY_VIEWED_COOKIE]["secure"]


def test_p7_history_keeps_the_newest_twelve_once_each(
    consenting: Client, catalogue: Catalogue
) -> None:
    products = ProductFactory.create_batch(HISTORY_LENGTH + 2, category=catalogue.washers)
    for product in products:
        consenting.get(product.get_absolute_url())
    consenting.get(products[-3].get_absolute_url())
    newest_first = [p.pk for p in reversed(products)]
    expected = [products[-3].pk, *[pk for pk in newest_first if pk != products[-3].pk]]
    assert _history(consenting) == expected[:HISTORY_LENGTH]


def test_p7_home_shows_recently_viewed_and_suggestions_from_the_same_category(
    consenting: Client, catalogue: Catalogue
) -> None:
    # given
    other_tv = ProductFactory(category=catalogue.televisions, stock=3, popularity=1)
    consenting.get(catalogue.samsung_tv.get_absolute_url())
    # when
    html = _page(consenting, reverse("catalog:home"))
    # then
    recent = _section(html, RECENT)
    assert "Të parat së fundmi" in recent and _shows(recent, catalogue.samsung_tv)
    suggested = _section(html, SUGGESTED)
    assert "Sugjerime për ju" in suggested
    assert _shows(suggested, other_tv)
    assert not _shows(suggested, catalogue.samsung_tv)  # already seen
    assert not _shows(suggested, catalogue.beko_washer)  # another category, out of stock
    assert BEST not in html  # the personal blocks take the best-sellers' place


def test_p7_product_page_shows_history_without_the_product_itself(
    consenting: Client, catalogue: Catalogue
) -> None:
    # given
    consenting.get(catalogue.samsung_tv.get_absolute_url())
    consenting.get(catalogue.lg_oled.get_absolute_url())
    # when
    html = _page(consenting, catalogue.beko_washer.get_absolute_url())
    # then
    recent = _section(html, RECENT)
    assert recent.index(catalogue.lg_oled.get_absolute_url()) < recent.index(
        catalogue.samsung_tv.get_absolute_url()
    )  # newest first
    assert not _shows(recent, catalogue.beko_washer)
    suggested = _section(html, SUGGESTED)
    assert _shows(suggested, catalogue.samsung_washer)  # same category as the page, in stock
    assert not _shows(suggested, catalogue.beko_washer)
    assert BEST not in html


def test_p7_personal_blocks_speak_english_on_english_pages(
    consenting: Client, catalogue: Catalogue
) -> None:
    consenting.get(catalogue.samsung_tv.get_absolute_url())
    html = _page(consenting, "/en/")
    assert "Recently viewed" in _section(html, RECENT)
    assert "Suggestions for you" in _section(html, SUGGESTED)


def test_p7_first_product_viewed_with_consent_still_shows_best_sellers(
    consenting: Client, catalogue: Catalogue
) -> None:
    html = _page(consenting, catalogue.lg_oled.get_absolute_url())
    assert "Më të shiturat" in _section(html, BEST)
    assert RECENT not in html and SUGGESTED not in html


# No consent: no history at all, and the same places show the best-sellers


@pytest.mark.parametrize("personalisation", [None, False], ids=["no-choice", "refused"])
def test_p7_without_consent_no_history_is_kept_and_best_sellers_show(
    catalogue: Catalogue, personalisation: bool | None
) -> None:
    browser = _visitor(personalisation=personalisation)
    for product in (catalogue.samsung_tv, catalogue.lg_oled, catalogue.beko_washer):
        response = browser.get(product.get_absolute_url())
        assert response.status_code == 200
        assert RECENTLY_VIEWED_COOKIE not in response.cookies
        html = response.content.decode()
        best = _section(html, BEST)
        assert "Më të shiturat" in best and not _shows(best, product)
        assert RECENT not in html and SUGGESTED not in html
    response = browser.get(reverse("catalog:home"))
    assert RECENTLY_VIEWED_COOKIE not in response.cookies
    home = response.content.decode()
    assert _shows(_section(home, BEST), catalogue.samsung_tv)
    assert RECENT not in home and SUGGESTED not in home
    assert RECENTLY_VIEWED_COOKIE not in browser.cookies


def test_p7_history_left_from_an_earlier_consent_is_not_used_and_is_deleted(
    catalogue: Catalogue,
) -> None:
    # given: a history written while the visitor agreed, then the choice became "no"
    browser = _visitor(personalisation=True)
    browser.get(catalogue.samsung_tv.get_absolute_url())
    browser.cookies[CONSENT_COOKIE] = _consent_cookie(personalisation=False)
    # when
    home = _page(browser, reverse("catalog:home"))
    response = browser.get(catalogue.lg_oled.get_absolute_url())
    # then
    assert RECENT not in home and BEST in home
    assert RECENT not in response.content.decode()
    assert response.cookies[RECENTLY_VIEWED_COOKIE]["max-age"] == 0
    assert response.cookies[RECENTLY_VIEWED_COOKIE].value == ""


def test_p7_history_forget_deletes_the_cookie_and_is_always_safe() -> None:
    response = HttpResponse()
    history_forget(response)
    history_forget(response)
    cookie = response.cookies[RECENTLY_VIEWED_COOKIE]
    assert cookie["max-age"] == 0 and cookie.value == ""
    assert cookie["path"] == "/" and cookie["samesite"] == "Lax"


def test_p7_withdrawing_through_the_banner_deletes_the_history(
    client: Client, catalogue: Catalogue
) -> None:
    # given
    client.post(reverse("consent:decide"), {"choice": "accept_all", "next": "/"})
    client.get(catalogue.samsung_tv.get_absolute_url())
    assert _history(client) == [catalogue.samsung_tv.pk]
    # when
    response = client.post(reverse("consent:decide"), {"choice": "reject_all", "next": "/"})
    # then
    assert response.cookies[RECENTLY_VIEWED_COOKIE]["max-age"] == 0
    after = client.get(catalogue.lg_oled.get_absolute_url())
    assert RECENTLY_VIEWED_COOKIE not in after.cookies
    assert RECENT not in after.content.decode()
    assert client.cookies[RECENTLY_VIEWED_COOKIE].value == ""


# Only our own, intact, recent cookie counts


class _Backdated(signing.TimestampSigner):
    """Sign as signing.dumps does, but as if it had happened just over 30 days ago."""

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - THIRTY_DAYS - 60)


@pytest.mark.parametrize(
    "forge",
    [
        lambda ids: signing.dumps(ids, salt=SIGNING_SALT)[:-2] + "xx",
        lambda ids: signing.dumps(ids, salt="consent.state"),
        lambda ids: _Backdated(salt=SIGNING_SALT).sign_object(ids),
        lambda ids: ".".join(str(pk) for pk in ids),
        lambda ids: signing.dumps({"ids": ids}, salt=SIGNING_SALT),
    ],
    ids=["tampered", "other-salt", "expired", "unsigned", "not-a-list"],
)
def test_p7_a_forged_or_stale_history_cookie_is_ignored(
    consenting: Client, catalogue: Catalogue, forge: Callable[[list[int]], str]
) -> None:
    consenting.cookies[RECENTLY_VIEWED_COOKIE] = forge([catalogue.lg_oled.pk])
    html = _page(consenting, reverse("catalog:home"))
    assert RECENT not in html and BEST in html
    assert _history(consenting) == []


# One visitor's history never reaches another's page


def test_p7_one_visitors_history_never_appears_on_another_visitors_page(
    catalogue: Catalogue,
) -> None:
    assert "locmem" in settings.CACHES["default"]["BACKEND"].lower()  # fragment caching is on
    alice, bob, carol = (
        _visitor(personalisation=True),
        _visitor(personalisation=True),
        _visitor(personalisation=None),
    )
    alice.get(catalogue.samsung_tv.get_absolute_url())
    bob.get(catalogue.beko_washer.get_absolute_url())
    for page in (reverse("catalog:home"), catalogue.lg_oled.get_absolute_url()):
        # Each page is rendered for Alice first, so anything she leaves in a cache is there.
        alices = _section(_page(alice, page), RECENT)
        bobs = _section(_page(bob, page), RECENT)
        carols = _page(carol, page)
        assert _shows(alices, catalogue.samsung_tv) and not _shows(alices, catalogue.beko_washer)
        assert _shows(bobs, catalogue.beko_washer) and not _shows(bobs, catalogue.samsung_tv)
        assert RECENT not in carols and SUGGESTED not in carols and BEST in carols


# Cost: the history is a cookie, so a longer one costs no more queries


def _queries(browser: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return len(captured)


def test_p7_product_page_queries_do_not_grow_with_the_history(
    consenting: Client, catalogue: Catalogue
) -> None:
    # given
    viewed = ProductFactory.create_batch(HISTORY_LENGTH, category=catalogue.washers)
    page = catalogue.samsung_tv.get_absolute_url()
    consenting.get(viewed[0].get_absolute_url())
    consenting.get(page)
    short_history = _queries(consenting, page)
    # when
    for product in viewed:
        consenting.get(product.get_absolute_url())
    # then
    assert len(_history(consenting)) == HISTORY_LENGTH
    assert _queries(consenting, page) <= short_history


def test_p7_recently_viewed_keeps_the_order_and_leaves_out_what_is_off_sale(
    catalogue: Catalogue, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    hidden = ProductFactory(is_active=False)
    ids = [catalogue.lg_oled.pk, hidden.pk, catalogue.beko_washer.pk, catalogue.samsung_tv.pk]
    with django_assert_num_queries(1):
        products = recently_viewed(ids, exclude=catalogue.samsung_tv.pk)
        assert [p.brand.name for p in products] == ["LG", "Beko"]
    assert [p.pk for p in products] == [catalogue.lg_oled.pk, catalogue.beko_washer.pk]
    assert recently_viewed([]) == []


def test_p7_suggestions_rank_category_before_brand_and_leave_out_what_cannot_be_bought(
    catalogue: Catalogue, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    ProductFactory(category=catalogue.televisions, stock=0, popularity=10_000)
    ProductFactory(category=catalogue.televisions, is_active=False, popularity=10_000)
    same_category = ProductFactory(category=catalogue.televisions, stock=1, popularity=1)
    with django_assert_num_queries(1):
        found = suggestions([catalogue.samsung_tv.pk])
    # the Samsung washer shares only the brand; the LG OLED is in a sub-category
    assert [p.pk for p in found] == [same_category.pk, catalogue.samsung_washer.pk]


def test_p7_suggestions_fall_back_to_best_sellers_when_nothing_is_related(
    catalogue: Catalogue,
) -> None:
    viewed = [catalogue.lg_oled.pk]  # the only OLED and the only LG
    found = suggestions(viewed, limit=2)
    assert [p.pk for p in found] == [catalogue.samsung_tv.pk, catalogue.samsung_washer.pk]
    assert [p.pk for p in suggestions([])] == [
        catalogue.samsung_tv.pk,
        catalogue.lg_oled.pk,
        catalogue.samsung_washer.pk,
    ]
