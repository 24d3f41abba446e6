"""{% sharedcache %}: the page's chrome is rendered once, and nothing of one visitor
reaches another (P5, P6): each gets their own CSRF token, cart count and banner."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.middleware.csrf import get_token
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.test import RequestFactory

from core.templatetags.shared_cache import CSRF_HOLE, FRESH_HOLE

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
FORM = Template(
    '{% load shared_cache %}{% sharedcache 60 "form" count %}'
    "<form>{% csrf_token %}<span>{{ count }}</span></form>{% endsharedcache %}"
)


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def _render(
    *, count: int = 0, user: object = None, private: bool | None = False
) -> tuple[str, object]:
    request = RequestFactory().get("/")
    values = {"count": count, "csrf_token": get_token(request), "user": user or AnonymousUser()}
    if private is not None:
        values["page_is_private"] = private
    context = Context(values)
    return FORM.render(context), request


def test_p6_each_visitor_gets_their_own_csrf_token_from_a_cached_fragment():
    first, _ = _render()
    second, _ = _render()
    assert TOKEN.search(first) and TOKEN.search(second)
    # Masked tokens differ per request; neither is the placeholder.
    assert TOKEN.search(first).group(1) != TOKEN.search(second).group(1)
    assert CSRF_HOLE not in first + second


def test_p6_the_cache_holds_no_token_only_the_placeholder():
    _render()
    # A fragment is kept per page template (FORM has no name) and the values it varies on.
    stored = cache.get(make_template_fragment_key("shared:form", [None, 0]))
    assert CSRF_HOLE in stored
    assert TOKEN.findall(stored) == [CSRF_HOLE]


def test_a_fragment_varies_on_what_it_names():
    one, _ = _render(count=1)
    two, _ = _render(count=2)
    assert "<span>1</span>" in one and "<span>2</span>" in two


def test_p5_a_signed_in_visitors_fragment_is_never_stored():
    class SignedIn:
        is_authenticated = True

    html, _ = _render(user=SignedIn())
    assert TOKEN.search(html)
    assert not list(cache._cache)  # type: ignore[attr-defined]


@pytest.mark.parametrize("private", [True, None])
def test_p5_a_page_about_a_person_or_that_does_not_say_stores_nothing(private):
    # given: a page that says it is private, or says nothing about it
    html, _ = _render(private=private)
    # then: the block is rendered, with the visitor's token, and nothing is stored
    assert TOKEN.search(html) and CSRF_HOLE not in html
    assert not list(cache._cache)  # type: ignore[attr-defined]


def test_a_fragment_needs_a_quoted_name():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load shared_cache %}{% sharedcache 60 form %}x{% endsharedcache %}")


HEADER = Template(
    '{% load shared_cache %}{% sharedcache 60 "header" count %}'
    '<input name="q" value="{% fresh %}{{ query }}{% endfresh %}"><b>{{ count }}</b>'
    '<a href="{% fresh %}/en{{ path }}{% endfresh %}">English</a>{% endsharedcache %}'
)


def _header(**values: object) -> str:
    context = Context({"page_is_private": False, "user": AnonymousUser(), **values})
    return HEADER.render(context)


def test_p6_fresh_parts_are_made_for_each_request_and_never_stored():
    first = _header(count=1, query="televizor", path="/kerko/?q=televizor")
    second = _header(count=1, query="<b>frigo</b>", path="/kerko/?q=frigo")

    assert first == (
        '<input name="q" value="televizor"><b>1</b><a href="/en/kerko/?q=televizor">English</a>'
    )
    assert second == (
        '<input name="q" value="&lt;b&gt;frigo&lt;/b&gt;"><b>1</b>'
        '<a href="/en/kerko/?q=frigo">English</a>'
    )
    stored = cache.get(make_template_fragment_key("shared:header", [None, 1]))
    assert "televizor" not in stored and "frigo" not in stored
    assert FRESH_HOLE.format(index=0) in stored and FRESH_HOLE.format(index=1) in stored


def test_p6_a_fragment_inside_another_keeps_its_own_fresh_parts():
    page = Template(
        '{% load shared_cache %}{% sharedcache 60 "page" path %}<main>{{ path }}</main>'
        '{% sharedcache 60 "header" %}<input value="{% fresh %}{{ query }}{% endfresh %}">'
        "{% endsharedcache %}{% endsharedcache %}"
    )
    for query in ("tv", "laptop"):
        context = Context(
            {"page_is_private": False, "user": AnonymousUser(), "path": query, "query": query}
        )
        assert page.render(context) == f'<main>{query}</main><input value="{query}">'
        assert page.render(context) == f'<main>{query}</main><input value="{query}">'


def test_p6_a_fresh_part_outside_a_shared_fragment_is_simply_rendered():
    plain = Template("{% load shared_cache %}<p>{% fresh %}{{ query }}{% endfresh %}</p>")
    assert plain.render(Context({"query": "kufje"})) == "<p>kufje</p>"


def test_p6_a_fresh_part_in_an_included_template_is_refused_not_stored():
    engine = Engine(
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {"part.html": "{% load shared_cache %}{% fresh %}{{ query }}{% endfresh %}"},
            )
        ],
        libraries={"shared_cache": "core.templatetags.shared_cache"},
    )
    page = engine.from_string(
        '{% load shared_cache %}{% sharedcache 60 "page" %}{% include "part.html" %}'
        "{% endsharedcache %}"
    )
    context = Context({"page_is_private": False, "user": AnonymousUser(), "query": "tv"})
    with pytest.raises(TemplateSyntaxError, match="fresh"):
        page.render(context)
