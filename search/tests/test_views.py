"""The results page at /kerko/ and the suggestions at /kerko/sugjerime/."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.db.models import Value
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.tests.factories import UserFactory
from catalog.forms import ProductSearchForm
from catalog.models import Product
from catalog.tests.conftest import Catalogue
from catalog.views import LISTING_CONTENT_TEMPLATE
from privacy.roles import ROLE_PERMISSIONS, Role
from search import views as search_views
from search.models import Synonym
from search.permissions import SearchPermission
from search.query import parse
from search.selectors import SearchOutcome
from staff.services import roles_sync

pytestmark = pytest.mark.django_db


def _get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def _result_count(html: str) -> str:
    match = re.search(r'class="result-count"[^>]*>([^<]*)<', html)
    assert match, "no result count on the page"
    return match.group(1).strip()


def _header_box(html: str) -> str:
    match = re.search(r'<input id="site-search"[^>]*value="([^"]*)"', html)
    assert match, "no search box in the header"
    return match.group(1)


def test_search_by_sku_brand_and_names(client: Client, catalogue: Catalogue) -> None:
    url = reverse("search:results")
    assert url == "/kerko/"
    assert _result_count(_get(client, f"{url}?q=3VF-LAV-00201")) == "1 produkt"
    html = _get(client, f"{url}?q=samsung")
    assert _result_count(html) == "2 produkte"
    assert _result_count(_get(client, f"{url}?q=washing+machine")) == "2 produkte"
    assert _result_count(_get(client, f"{url}?q=lavatrice")) == "2 produkte"
    assert _result_count(_get(client, f"{url}?q=televizorët")) == "2 produkte"


def test_the_header_box_keeps_the_query_cached_or_not(client: Client, catalogue: Catalogue) -> None:
    url = reverse("search:results") + "?q=Televizor+%22OLED%22"
    for _attempt in range(2):  # the second answer comes from the cache
        assert _header_box(_get(client, url)) == escape('Televizor "OLED"')
    assert _header_box(_get(client, reverse("catalog:list"))) == ""


def test_search_in_english(client: Client, catalogue: Catalogue) -> None:
    with translation.override("en"):
        url = reverse("search:results")
    assert url.startswith("/en/")
    html = _get(client, f"{url}?q=washing+machine")
    assert catalogue.samsung_washer.name_en in html
    assert catalogue.samsung_washer.name_sq not in html


def test_search_results_take_filters_and_sorting(client: Client, catalogue: Catalogue) -> None:
    url = reverse("search:results")
    html = _get(client, f"{url}?q=samsung&max_price=62000")
    assert _result_count(html) == "1 produkt"
    assert 'type="hidden" name="q" value="samsung"' in html
    html = _get(client, f"{url}?q=samsung&sort=price_desc")
    assert html.index(escape(catalogue.samsung_tv.name_sq)) < html.index(
        escape(catalogue.samsung_washer.name_sq)
    )


def test_out_of_range_page_shows_the_last_page(
    client: Client,
    catalogue: Catalogue,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.CATALOG_PAGE_SIZE = 3
    html = _get(client, f"{reverse('search:results')}?q=3VF&page=99999")
    assert html.count('<li class="card">') == 1
    assert 'aria-current="page">2<' in html


def test_did_you_mean_a_typo(client: Client, catalogue: Catalogue) -> None:
    html = _get(client, reverse("search:results") + "?q=samsnug")
    assert "A mos kërkonit" in html
    assert 'href="/kerko/?q=samsung">samsung</a>' in html
    assert "Nuk u gjet asnjë produkt për „samsnug“" in html
    assert _result_count(html) == "2 produkte"  # those of "samsung"
    assert "noindex" in html


@pytest.mark.parametrize(
    "query", ["x" * 5000, "", "%", "'\"<script>", "(((", "samsung " * 60, "3VF-" * 40, "'':*|!"]
)
def test_search_never_fails(client: Client, catalogue: Catalogue, query: str) -> None:
    html = _get(client, reverse("search:results") + "?" + f"q={query}")
    assert "<script>" not in html
    if len(query) > 100:
        assert "deri në 100 shkronja" in html


def test_empty_search_invites_a_query(client: Client, catalogue: Catalogue) -> None:
    html = _get(client, reverse("search:results"))
    assert _result_count(html) == "0 produkte"
    assert "Shkruani emrin, markën ose kodin" in html


def test_suggestions_list_products_and_categories(client: Client, catalogue: Catalogue) -> None:
    response = client.get(reverse("search:suggest") + "?q=televiz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"].startswith("public")
    data = response.json()
    assert data["query"] == "televiz"
    assert [p["url"] for p in data["products"]] == [
        catalogue.samsung_tv.get_absolute_url(),
        catalogue.lg_oled.get_absolute_url(),
    ]
    assert [c["name"] for c in data["categories"]] == ["Televizorë"]
    assert set(data) == {"query", "products", "categories"}  # nothing about the visitor


@pytest.mark.parametrize("query", ["", "t", " ", "x" * 5000, "'\"<>", "((("])
def test_suggestions_never_fail(client: Client, catalogue: Catalogue, query: str) -> None:
    response = client.get(reverse("search:suggest"), {"q": query})
    assert response.status_code == 200
    assert isinstance(response.json()["products"], list)


def test_suggestions_refuse_writes(client: Client) -> None:
    assert client.post(reverse("search:suggest"), {"q": "tv"}).status_code == 405


def test_sales_and_marketing_may_edit_synonyms_care_may_not() -> None:
    for role in (Role.SALES, Role.MARKETING):
        assert SearchPermission.CHANGE_SYNONYM in ROLE_PERMISSIONS[role]
    assert SearchPermission.VIEW_SYNONYM not in ROLE_PERMISSIONS[Role.CUSTOMER_CARE]


def _staff(role: Role) -> Client:
    roles_sync()
    user = UserFactory(is_staff=True)
    user.groups.set([Group.objects.get(name=role.value)])
    client = Client()
    client.force_login(user)
    return client


def test_sales_edits_a_synonym_in_the_back_office() -> None:
    client = _staff(Role.SALES)
    url = reverse("admin:search_synonym_add")
    response = client.post(url, {"term": " Rroba ", "expansions": "lavatriçe,\nwashing machine"})
    assert response.status_code == 302
    synonym = Synonym.objects.get(term="Rroba")
    assert synonym.expansion_list() == ["lavatriçe", "washing machine"]
    assert client.get(reverse("admin:search_synonym_changelist")).status_code == 200


@pytest.mark.parametrize(
    ("term", "expansions", "message"),
    [
        ("!!!", "telefon", "Shkruani një fjalë me shkronja ose shifra"),
        ("rroba", " , ,", "Shkruani të paktën një fjalë të katalogut"),
        ("rroba", ",".join(["a"] * 11), "deri në 10 fjalë"),
        ("një dy tre katër", "telefon", "deri në 3 pjesë"),
    ],
)
def test_a_bad_synonym_is_refused_with_a_message(term: str, expansions: str, message: str) -> None:
    client = _staff(Role.MARKETING)
    count = Synonym.objects.count()
    response = client.post(
        reverse("admin:search_synonym_add"), {"term": term, "expansions": expansions}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Synonym.objects.count() == count


def test_customer_care_cannot_open_the_synonyms() -> None:
    client = _staff(Role.CUSTOMER_CARE)
    assert client.get(reverse("admin:search_synonym_changelist")).status_code == 403


NOTHING_FOUND_QUERIES = [
    "zzqx",
    '<script>alert("x")</script>',
    "a&b 'c' \"d\" 50%/60% ëç",
    "\ue001query\ue001 %EE%80%81query%EE%80%81",
    "televizor?q=1&brand=lg#foto",
]


@pytest.mark.parametrize("query", NOTHING_FOUND_QUERIES)
def test_a_search_that_found_nothing_reads_as_if_rendered_afresh(
    rf: RequestFactory, catalogue: Catalogue, query: str
) -> None:
    """The kept copy of "nothing found", filled with the words, is the page made afresh."""
    outcome = SearchOutcome(
        products=Product.objects.none().annotate(rank=Value(0.0)), parsed=parse(query)
    )

    def made(fill: bool) -> str:
        request = rf.get("/kerko/", {"q": query})
        form = ProductSearchForm(request.GET, brand_choices=[])
        form.is_valid()
        if fill:
            kept = search_views._found_nothing_copy(request, outcome=outcome)
            return search_views._holes_fill(kept, query=query)
        context = search_views._results_context(request, form=form, query=query, outcome=outcome)
        return render_to_string(LISTING_CONTENT_TEMPLATE, context)

    afresh = made(fill=False)
    assert made(fill=True) == afresh  # the copy made now
    assert made(fill=True) == afresh  # and the copy kept
    assert "\ue001query\ue001" in query or "\ue001" not in afresh


def test_a_search_nobody_made_that_finds_nothing_shows_the_words_escaped(
    client: Client, catalogue: Catalogue
) -> None:
    first = _get(client, "/kerko/?q=" + quote("<i>zzqx</i> & co"))
    second = _get(client, "/kerko/?q=" + quote('qqzz "pa" gjë'))

    assert "<h1>Rezultatet për „&lt;i&gt;zzqx&lt;/i&gt; &amp; co“</h1>" in first
    assert 'name="q" value="&lt;i&gt;zzqx&lt;/i&gt; &amp; co"' in first
    assert "?q=%3Ci%3Ezzqx%3C/i%3E%20%26%20co" in first
    assert _result_count(first) == "0 produkte"
    assert "<h1>Rezultatet për „qqzz &quot;pa&quot; gjë“</h1>" in second
    assert _header_box(second) == "qqzz &quot;pa&quot; gjë"
    assert "zzqx" not in second and "\ue001" not in first + second
