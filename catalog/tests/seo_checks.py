"""Readers for what search engines see of a page: the head's SEO tags, the sitemap, JSON-LD.

The sitemap check follows the sitemaps.org 0.9 schema (sitemap.xsd) and Google's
rules for hreflang alternates in a sitemap; lxml is not installed, so the schema's
rules are written out here over xml.etree.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree import ElementTree

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
SITEMAP_MAX_URLS = 50_000
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
LOC_MAX_LENGTH = 2048  # tLoc: xsd:anyURI, maxLength 2048
CHANGEFREQS = {"always", "hourly", "daily", "weekly", "monthly", "yearly", "never"}
# tLastmod: xsd:date or xsd:dateTime (W3C Datetime).
W3C_DATETIME = re.compile(
    r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?"
)
HREFLANG = re.compile(r"x-default|[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
SCHEMA_AVAILABILITY = {
    "https://schema.org/InStock",
    "https://schema.org/OutOfStock",
    "https://schema.org/PreOrder",
    "https://schema.org/Discontinued",
}


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


def _is_absolute_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


@dataclass(frozen=True)
class SitemapUrl:
    loc: str
    lastmod: str | None
    alternates: dict[str, str]


def validate_sitemap(content: bytes) -> list[SitemapUrl]:
    """Check a <urlset> against the sitemap 0.9 schema and hreflang rules; return its URLs.

    From sitemap.xsd: the root is <urlset> in the sitemap namespace and holds only
    <url>; a <url> holds <loc>, then optional <lastmod>, <changefreq>, <priority>
    in that order, then elements of other namespaces only; <loc> is an absolute URL
    of at most 2048 characters; at most 50,000 URLs and 50 MB. From the hreflang
    rules: each alternate is <xhtml:link rel="alternate" hreflang href>, an entry
    lists itself among its alternates, and alternates name each other back.
    """
    assert len(content) <= SITEMAP_MAX_BYTES
    assert content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ElementTree.fromstring(content)  # noqa: S314  (our own response)
    assert root.tag == f"{{{SITEMAP_NS}}}urlset", root.tag
    assert not (root.text or "").strip()
    urls: list[SitemapUrl] = []
    for url in root:
        assert url.tag == f"{{{SITEMAP_NS}}}url", url.tag
        children = list(url)
        own = [child for child in children if child.tag.startswith(f"{{{SITEMAP_NS}}}")]
        names = [child.tag.removeprefix(f"{{{SITEMAP_NS}}}") for child in own]
        assert children[: len(own)] == own, "sitemap elements come before any other"
        assert names[0] == "loc", names
        order = ["loc", "lastmod", "changefreq", "priority"]
        assert [order.index(name) for name in names] == sorted(
            {order.index(name) for name in names}
        ), names
        values = {name: (child.text or "").strip() for name, child in zip(names, own, strict=True)}
        loc = values["loc"]
        assert _is_absolute_http(loc) and len(loc) <= LOC_MAX_LENGTH, loc
        if "lastmod" in values:
            assert W3C_DATETIME.fullmatch(values["lastmod"]), values["lastmod"]
        if "changefreq" in values:
            assert values["changefreq"] in CHANGEFREQS
        if "priority" in values:
            assert 0.0 <= float(values["priority"]) <= 1.0
        alternates: dict[str, str] = {}
        for link in children[len(own) :]:
            assert link.tag == f"{{{XHTML_NS}}}link", link.tag
            assert link.get("rel") == "alternate"
            hreflang, href = link.get("hreflang") or "", link.get("href") or ""
            assert HREFLANG.fullmatch(hreflang), hreflang
            assert _is_absolute_http(href), href
            assert hreflang not in alternates, f"{hreflang} twice for {loc}"
            alternates[hreflang] = href
        if alternates:
            assert loc in alternates.values(), f"{loc} does not name itself"
        urls.append(SitemapUrl(loc=loc, lastmod=values.get("lastmod"), alternates=alternates))
    assert len(urls) <= SITEMAP_MAX_URLS
    by_loc = {url.loc: url for url in urls}
    assert len(by_loc) == len(urls), "an address listed twice"
    for url in urls:
        for hreflang, href in url.alternates.items():
            if hreflang != "x-default" and href in by_loc:
                assert by_loc[href].alternates == url.alternates, f"{href} ↔ {url.loc}"
    return urls


def validate_product_json_ld(text: str) -> dict[str, object]:
    """Parse a product's JSON-LD and check it as schema.org Product with an Offer.

    What Google's product snippets require and recommend: a Product with name, and
    offers as an Offer with a price, an ISO 4217 currency and a schema.org
    availability; the addresses absolute.
    """
    data = json.loads(text)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Product"
    for key in ("name", "description", "sku"):
        assert isinstance(data[key], str) and data[key], key
    assert data["brand"]["@type"] == "Brand" and data["brand"]["name"]
    assert _is_absolute_http(data["url"])
    for image in data.get("image", []):
        assert _is_absolute_http(image), image
    offer = data["offers"]
    assert offer["@type"] == "Offer"
    assert isinstance(offer["price"], int | float) and offer["price"] > 0
    assert re.fullmatch(r"[A-Z]{3}", offer["priceCurrency"])
    assert offer["availability"] in SCHEMA_AVAILABILITY
    assert _is_absolute_http(offer["url"])
    return data
