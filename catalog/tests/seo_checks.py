"""Readers for what search engines see of a page: the head's SEO tags, the sitemap, JSON-LD.

The sitemap is validated against the sitemaps.org 0.9 schema (schemas/sitemap.xsd, with
schemas/xhtml-link.xsd for the hreflang alternates), then against the rules a schema
cannot state (each entry names itself among its alternates, alternates name each other
back, no address twice, at most 50,000 URLs and 50 MB). A product's JSON-LD is validated
against schemas/product.schema.json: schema.org Product and Offer as Google reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import xmlschema

SCHEMAS = Path(__file__).parent / "schemas"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
SITEMAP_MAX_URLS = 50_000
SITEMAP_MAX_BYTES = 50 * 1024 * 1024


@cache
def sitemap_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMAS / "sitemap.xsd")


@cache
def product_schema() -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / "product.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@dataclass
class SeoTags:
    """The tags of a page's head that search engines and link previews read."""

    canonical: list[str] = field(default_factory=list)
    alternates: dict[str, str] = field(default_factory=dict)
    robots: list[str] = field(default_factory=list)
    open_graph: dict[str, list[str]] = field(default_factory=dict)
    json_ld: list[str] = field(default_factory=list)
    inline_scripts: list[dict[str, str | None]] = field(default_factory=list)

    def text(self) -> str:
        """Every value above, joined: what a search engine or a preview could show."""
        parts = [*self.canonical, *self.alternates.values(), *self.robots, *self.json_ld]
        parts += [value for values in self.open_graph.values() for value in values]
        return "\n".join(parts)


class _SeoParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags = SeoTags()
        self._in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "canonical":
            self.tags.canonical.append(found["href"] or "")
        elif tag == "link" and found.get("rel") == "alternate" and found.get("hreflang"):
            hreflang = found["hreflang"] or ""
            assert hreflang not in self.tags.alternates, found
            self.tags.alternates[hreflang] = found["href"] or ""
        elif tag == "meta" and found.get("name") == "robots":
            self.tags.robots.append(found["content"] or "")
        elif tag == "meta" and found.get("property"):
            self.tags.open_graph.setdefault(found["property"] or "", []).append(
                found["content"] or ""
            )
        elif tag == "script" and "src" not in found:
            self.tags.inline_scripts.append(found)
            self._in_json_ld = found.get("type") == "application/ld+json"
            if self._in_json_ld:
                self.tags.json_ld.append("")

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.tags.json_ld[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json_ld = False


def seo_tags(html: str) -> SeoTags:
    parser = _SeoParser()
    parser.feed(html)
    parser.close()
    return parser.tags


@dataclass(frozen=True)
class SitemapUrl:
    loc: str
    lastmod: str | None
    alternates: dict[str, str]


def validate_sitemap(content: bytes) -> list[SitemapUrl]:
    """Validate a <urlset> against sitemap.xsd and the hreflang rules; return its URLs."""
    assert len(content) <= SITEMAP_MAX_BYTES
    assert content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    errors = list(sitemap_schema().iter_errors(content.decode()))
    assert not errors, "\n".join(str(error.reason or error) for error in errors)
    tree = xmlschema.XMLResource(content.decode()).root
    urls: list[SitemapUrl] = []
    for url in tree.iterfind(f"{{{SITEMAP_NS}}}url"):
        loc = (url.findtext(f"{{{SITEMAP_NS}}}loc") or "").strip()
        lastmod = url.findtext(f"{{{SITEMAP_NS}}}lastmod")
        alternates: dict[str, str] = {}
        for link in url.iterfind(f"{{{XHTML_NS}}}link"):
            hreflang, href = link.get("hreflang") or "", link.get("href") or ""
            assert hreflang not in alternates, f"{hreflang} twice for {loc}"
            alternates[hreflang] = href
        if alternates:
            assert loc in alternates.values(), f"{loc} does not name itself"
        urls.append(
            SitemapUrl(loc=loc, lastmod=lastmod.strip() if lastmod else None, alternates=alternates)
        )
    assert len(urls) <= SITEMAP_MAX_URLS
    by_loc = {url.loc: url for url in urls}
    assert len(by_loc) == len(urls), "an address listed twice"
    for url in urls:
        for hreflang, href in url.alternates.items():
            if hreflang != "x-default" and href in by_loc:
                assert by_loc[href].alternates == url.alternates, f"{href} ↔ {url.loc}"
    return urls


def validate_product_json_ld(text: str) -> dict[str, Any]:
    """Parse a product's JSON-LD and validate it against product.schema.json."""
    data = json.loads(text)
    errors = sorted(product_schema().iter_errors(data), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    return data
