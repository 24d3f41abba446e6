"""The sitemap: the front page, the listing, every category and every product on sale,
each in Albanian (no prefix) and English (/en/), each naming its other languages."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from catalog.models import Category, Product
from catalog.selectors import category_all, product_visible

if TYPE_CHECKING:
    # The sites framework is not installed: the sitemap names SITE_URL's host instead.
    from django.contrib.sites.models import Site
    from django.contrib.sites.requests import RequestSite


class _StorefrontSitemap(Sitemap):
    """Addresses in every language, each with its alternates, on the public site."""

    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol: str | None = None) -> str:
        # The public site, not whatever host or scheme the request came in on.
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site: Site | RequestSite | None = None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class PageSitemap(_StorefrontSitemap):
    """The front page and the listing of every product."""

    def items(self) -> list[str]:
        return ["catalog:home", "catalog:list"]

    def location(self, item: str) -> str:
        return reverse(item)


class CategorySitemap(_StorefrontSitemap):
    def items(self) -> QuerySet[Category]:
        return category_all().order_by("pk").only("slug")


class ProductSitemap(_StorefrontSitemap):
    """Only products the storefront shows; a product taken off sale leaves the sitemap."""

    def items(self) -> QuerySet[Product]:
        return product_visible().select_related(None).order_by("pk").only("slug", "updated_at")

    def lastmod(self, item: Product) -> datetime:
        return item.updated_at


SITEMAPS: dict[str, type[Sitemap] | Sitemap] = {
    "pages": PageSitemap,
    "categories": CategorySitemap,
    "products": ProductSitemap,
}
