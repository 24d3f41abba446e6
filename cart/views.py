from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from cart.forms import CartLineForm, CartRemoveForm, CartUpdateForm
from cart.selectors import cart_contents
from cart.services import CartError, cart_quantities, cart_remove, cart_set_quantity
from catalog.models import Product


def shopper(request: HttpRequest) -> dict[str, Any]:
    """Return the user-or-session keyword arguments every cart function takes."""
    # Error pages may render before AuthenticationMiddleware has set request.user.
    user = getattr(request, "user", None)
    user = user if isinstance(user, User) else None
    return {"user": user, "session": request.session}


def _back(request: HttpRequest) -> str:
    # An address, never a view name: shortcuts.redirect() would try to reverse "next".
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("cart:detail")


def detail(request: HttpRequest) -> HttpResponse:
    """The visitor's cart, served whole from the shared cache to every visitor whose cart
    holds the same products in the same quantities (P5).

    Its address carries no token, and the page shows only the products, their prices
    and stock (the catalogue revision keys those) and the quantities (keyed here):
    nothing about who holds the cart. A signed-in customer's page is never shared.
    """
    who = shopper(request)
    quantities = cart_quantities(**who)
    return render(
        request,
        "cart/detail.html",
        {
            # Read only when the page is rendered, not when it is served from the cache.
            "cart": SimpleLazyObject(lambda: cart_contents(**who)),
            "page_is_private": False,
            "page_cacheable": True,
            "page_variant": ",".join(f"{pk}x{qty}" for pk, qty in sorted(quantities.items())),
        },
    )


def _first_error(form: CartLineForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("Kërkesë e pavlefshme.")


@require_POST
def add(request: HttpRequest) -> HttpResponse:
    return _change(request, add=True)


@require_POST
def update(request: HttpRequest) -> HttpResponse:
    return _change(request, add=False)


def _change(request: HttpRequest, *, add: bool) -> HttpResponse:
    form = CartLineForm(request.POST) if add else CartUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return HttpResponseRedirect(_back(request))
    if not add and form.cleaned_data["quantity"] == 0:
        # 0 in the box takes the line out, even of a product no longer sold.
        cart_remove(**shopper(request), product_id=form.cleaned_data["product"])
        messages.success(request, _("Produkti u hoq nga shporta."))
        return HttpResponseRedirect(_back(request))
    product = Product.objects.filter(pk=form.cleaned_data["product"], is_active=True).first()
    if product is None:
        messages.error(request, _("Ky produkt nuk ekziston ose nuk shitet më."))
        return HttpResponseRedirect(_back(request))
    try:
        cart_set_quantity(
            **shopper(request), product=product, quantity=form.cleaned_data["quantity"], add=add
        )
    except CartError as error:
        messages.error(request, str(error))
    else:
        text = _("%(product)s u shtua në shportë.") if add else _("Shporta u përditësua.")
        messages.success(request, text % {"product": product.name})
    return HttpResponseRedirect(_back(request))


@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    form = CartRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kërkesë e pavlefshme."))
        return redirect("cart:detail")
    cart_remove(**shopper(request), product_id=form.cleaned_data["product"])
    messages.success(request, _("Produkti u hoq nga shporta."))
    return redirect("cart:detail")
