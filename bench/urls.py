"""URLs of the benchmarks (config.settings.bench): the site's own, plus the bare baseline view."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from catalog.models import Product
from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    """Read one product row and answer in plain text: the floor every page is compared to."""
    product = Product.objects.only("id", "name_sq", "price").order_by("pk").first()
    if product is None:
        return HttpResponse("no products", content_type="text/plain", status=404)
    return HttpResponse(
        f"{product.pk} {product.name_sq} {product.price}", content_type="text/plain"
    )


urlpatterns = [path("_bench/bare/", bare, name="bench_bare"), *site_urlpatterns]
