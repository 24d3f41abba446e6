"""{% sharedcache %}: a fragment cache whose fragments may hold forms (P5, P6).

Django's {% cache %} stores what its block rendered, so a block with a form would
store one visitor's CSRF token and serve it to everyone. This tag renders its block
with a placeholder where the token goes, stores that, and puts the current visitor's
own token in on the way out. So the page's chrome (the consent banner, the header,
the footer's sign-up form) is rendered once per kind of page, not once per request.

    {% load shared_cache %}
    {% sharedcache 600 "header" LANGUAGE_CODE request.get_full_path cart_count %}
      ...
    {% endsharedcache %}

A part that changes with every address but is cheap to make (the search box's words,
the other language's link to this page) goes in a ``{% fresh %}`` block: the stored
fragment keeps a placeholder there, and the part is rendered anew for each request.
So the header is stored once per kind of visitor, not once per address:

    {% sharedcache 600 "header" LANGUAGE_CODE cart_count %}
      <input name="q" value="{% fresh %}{{ search_query }}{% endfresh %}">
    {% endsharedcache %}

Every fragment is also kept apart per page template, since a template may override a
block inside it.

What the block shows must depend only on the values it varies on and on nothing else
of the visitor: the fragment is served to every visitor whose values are the same.
Vary on how many items a cart holds or whether the banner asks, never on who the
visitor is; a signed-in visitor's fragments are never stored (their pages may name
them), and the block is then simply rendered.

The whole page can be one such block (templates/base.html): views whose page shows
only the catalogue say ``page_cacheable``, and every visitor who shares the values
in the list is served the same page, with their own CSRF token. A page showing the
visitor's own history, a message for them, or a form sent back is never stored.

Nor is anything stored for a page about a person (P5): a fragment keyed by the page's
address would keep the address, and with it the token of a confirmation, verification
or unsubscribe link, in the cache. core cannot know which pages those are (the apps
declare them in privacy.pages), so the page tells the tag: a fragment is stored only
when the context says ``page_is_private`` is False (catalog.context_processors); a
context that does not say, or says True, renders the block afresh and stores nothing.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Private-use characters: HTML escaping leaves them alone, and nobody types them.
CSRF_HOLE = "\ue000csrf-token\ue000"
FRESH_HOLE = "\ue000fresh-{index}\ue000"
KEY_PREFIX = "shared"
# Which fragment is being rendered for storing: its {% fresh %} blocks leave holes.
STORING = "_sharedcache_storing"


class FreshNode(template.Node):
    """A part of a shared fragment rendered for each request, never stored."""

    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        self.owner: str | None = None
        self.hole = ""

    def render(self, context: template.Context) -> str:
        storing = context.get(STORING)
        if self.owner is not None and storing == self.owner:
            return self.hole
        if self.owner is None and storing is not None:
            # In a template included by the fragment: it would be stored as it is now.
            raise template.TemplateSyntaxError(
                "{% fresh %} must be written in the {% sharedcache %} block itself, "
                "not in a template it includes."
            )
        return self.nodelist.render(context)


class SharedCacheNode(template.Node):
    def __init__(
        self,
        nodelist: NodeList,
        timeout: FilterExpression,
        name: str,
        vary_on: list[FilterExpression],
        when: FilterExpression | None = None,
    ) -> None:
        self.nodelist = nodelist
        self.timeout = timeout
        self.name = name
        self.vary_on = vary_on
        self.when = when
        self.fresh = _fresh_nodes_claim(nodelist, owner=name)

    def render(self, context: template.Context) -> str:
        if self.when is not None and not self.when.resolve(context):
            return self.nodelist.render(context)
        if not fragment_storable(context):
            return self.nodelist.render(context)
        vary = [value.resolve(context) for value in self.vary_on]
        page_template = getattr(context.template, "name", None)
        key = make_template_fragment_key(f"{KEY_PREFIX}:{self.name}", [page_template, *vary])
        html: str | None = cache.get(key)
        if html is None:
            with context.push(csrf_token=CSRF_HOLE, **{STORING: self.name}):
                html = self.nodelist.render(context)
            cache.set(key, html, self._timeout(context))
        for fresh in self.fresh:
            if fresh.hole in html:
                html = html.replace(fresh.hole, fresh.nodelist.render(context))
        if CSRF_HOLE not in html:
            return mark_safe(html)  # noqa: S308 - rendered (and escaped) by the block itself
        return mark_safe(html.replace(CSRF_HOLE, _visitor_token(context)))  # noqa: S308

    def _timeout(self, context: template.Context) -> int | None:
        value = self.timeout.resolve(context)
        try:
            return int(value)
        except (TypeError, ValueError) as error:
            raise template.TemplateSyntaxError(
                f"{{% sharedcache %}} timeout must be a number of seconds, not {value!r}"
            ) from error


def _fresh_nodes_claim(nodelist: NodeList, *, owner: str) -> list[FreshNode]:
    """Number the {% fresh %} blocks of this fragment, in order, leaving nested fragments'.

    The holes are named by position, so every process names them alike (the cache may
    be shared between machines). A fragment inside this one was parsed first and has
    claimed its own blocks.
    """
    claimed: list[FreshNode] = []
    for fresh in nodelist.get_nodes_by_type(FreshNode):
        if isinstance(fresh, FreshNode) and fresh.owner is None:
            fresh.owner = owner
            fresh.hole = FRESH_HOLE.format(index=len(claimed))
            claimed.append(fresh)
    return claimed


def fragment_storable(context: template.Context) -> bool:
    """Whether this page's shared fragments may be stored: a page not about anybody.

    Only when the page said it is not private (``page_is_private`` False, not merely
    absent), the visitor is not signed in, the page does not show the visitor's own
    history (``page_is_personal``), no message waits to be shown to this visitor, and
    the request only reads (a form sent back with its errors holds what was typed).
    """
    if context.get("page_is_private", True) is not False:
        return False
    if context.get("page_is_personal"):
        return False
    request = context.get("request")
    if request is not None and request.method not in ("GET", "HEAD"):
        return False
    messages = context.get("messages")
    if messages is not None and len(messages):
        return False
    user = context.get("user")
    return not (user is not None and getattr(user, "is_authenticated", False))


def _visitor_token(context: template.Context) -> str:
    """Return this visitor's CSRF token, as {% csrf_token %} would put it in the form."""
    token: Any = context.get("csrf_token")
    if token is None or token == "NOTPROVIDED":  # noqa: S105 - Django's "no token" value
        return ""
    return SafeString(str(token))


@register.tag("sharedcache")
def do_sharedcache(parser: Parser, token: Token) -> SharedCacheNode:
    """{% sharedcache timeout "name" [when=flag] var1 var2 ... %} ... {% endsharedcache %}

    With ``when=flag`` the block is cached only where ``flag`` is true (a view that
    says its whole page may be shared), and simply rendered elsewhere.
    """
    nodelist = parser.parse(("endsharedcache",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes at least two arguments.")
    name = bits[2]
    if len(name) < 2 or name[0] != name[-1] or name[0] not in "'\"":
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs the fragment's name in quotes.")
    vary = bits[3:]
    when = None
    if vary and vary[0].startswith("when="):
        when = parser.compile_filter(vary.pop(0).removeprefix("when="))
    return SharedCacheNode(
        nodelist,
        parser.compile_filter(bits[1]),
        name[1:-1],
        [parser.compile_filter(bit) for bit in vary],
        when,
    )


@register.tag("fresh")
def do_fresh(parser: Parser, token: Token) -> FreshNode:
    """{% fresh %} ... {% endfresh %}: inside {% sharedcache %}, rendered for every request."""
    nodelist = parser.parse(("endfresh",))
    parser.delete_first_token()
    return FreshNode(nodelist)
