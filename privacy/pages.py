"""Pages about a person: declared once by the app that serves them, read by all who must know.

An app whose pages show a person, their orders or a token naming them registers the
URL namespace here, beside its other declarations in `personal_data.py`. robots.txt and
each page's ``noindex`` (catalog.seo) keep crawlers out of the pages it lists, and the
analytics a visitor allowed (consent.analytics) report the section's fixed address and
a generic title instead of an address with an order number or a title with a name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PrivateSection:
    namespace: str
    # What analytics report as the title of every page in it: fixed and untranslated, so
    # reports read the same in both languages, and never the page's own (a name, an order).
    title: str
    # The URL name analytics report instead of an address that carries a number or token.
    root: str
    # The pages search engines may not crawl (robots.txt) and that say noindex, as URL
    # names with stand-in arguments: the address up to the argument is refused.
    unlisted: tuple[tuple[str, Mapping[str, str]], ...] = field(default_factory=tuple)


PRIVATE_SECTIONS: dict[str, PrivateSection] = {}


def private_section(
    namespace: str,
    *,
    title: str,
    root: str,
    unlisted: tuple[tuple[str, Mapping[str, str]], ...] = (),
) -> None:
    """Declare that the pages of ``namespace`` are about a person."""
    if namespace in PRIVATE_SECTIONS:
        raise ValueError(f"The pages of {namespace!r} are declared twice; keep one declaration.")
    PRIVATE_SECTIONS[namespace] = PrivateSection(namespace, title, root, tuple(unlisted))


def unlisted_pages() -> list[tuple[str, Mapping[str, str]]]:
    """Return every page crawlers are kept out of, as (URL name, stand-in arguments)."""
    return [page for section in PRIVATE_SECTIONS.values() for page in section.unlisted]
