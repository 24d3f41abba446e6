"""A campaign's Markdown as mail HTML, and the slots for each recipient's own links.

The bottom of the campaign app: the model's validator (campaigns.links) and the
renderer both read it, and it reads neither.
"""

from __future__ import annotations

import markdown  # type: ignore[import-untyped]
import nh3

# A recipient's own links, filled into the finished message by plain replacement: a
# campaign's text may hold them only as a whole link target (campaigns.links).
UNSUBSCRIBE_SLOT = "@@UNSUBSCRIBE_URL@@"
PREFERENCES_SLOT = "@@PREFERENCES_URL@@"
PERSONAL_SLOTS = (UNSUBSCRIBE_SLOT, PREFERENCES_SLOT)

_ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li", "ol",
    "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"align"}, "th": {"align"}}


def markdown_html(source: str) -> str:
    """Return the Markdown as HTML, before sanitising (raw HTML and images still in it)."""
    return str(markdown.markdown(source, extensions=["sane_lists", "tables"], output_format="html"))


def markdown_to_html(source: str) -> str:
    return nh3.clean(
        markdown_html(source),
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    )
