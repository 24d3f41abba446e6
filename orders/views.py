from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Language
from accounts.selectors import address_list
from accounts.views import signed_in_user
from cart.selectors import cart_contents
from core.phone import display_phone, is_albanian_phone
from orders.forms import NEW_ADDRESS, CheckoutForm
from orders.models import PaymentMethod
from orders.selectors import (
    order_by_number_for_customer,
    order_get_for_customer,
    order_list_for_customer,
)
from orders.services import NewAddress, OrderError, checkout_complete, order_cancel_by_customer


@login_required
def checkout(request: HttpRequest) -> HttpResponse:
    customer = signed_in_user(request)
    cart = cart_contents(user=customer, session=request.session)
    if cart.is_empty:
        messages.info(request, _("Shporta është bosh."))
        return redirect("cart:detail")
    if not customer.email_verified:
        return render(request, "orders/verify_first.html", status=403)
    addresses = list(address_list(user=customer))
    # A foreign contact number is no use to the courier: the customer types another.
    courier_phone = display_phone(customer.phone) if is_albanian_phone(customer.phone) else ""
    form = CheckoutForm(request.POST or None, addresses=addresses, initial={"phone": courier_phone})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new_address = None
        if data["address"] == NEW_ADDRESS:
            new_address = NewAddress(
                municipality=data["municipality"], street=data["street"], save=data["save_address"]
            )
        language = get_language() if get_language() in Language.values else Language.ALBANIAN
        try:
            order = checkout_complete(
                customer=customer,
                quantities=cart.quantities,
                address=form.chosen_address(),
                new_address=new_address,
                phone_e164=data["phone"],
                notes=data["notes"],
                payment_method=PaymentMethod(data["payment_method"]),
                language=language,
            )
        except OrderError as error:
            messages.error(request, str(error))
            return redirect("cart:detail")
        return redirect("orders:placed", token=order.public_id)
    return render(request, "orders/checkout.html", {"form": form, "cart": cart})


@login_required
def placed(request: HttpRequest, token: str) -> HttpResponse:
    order = order_get_for_customer(customer=signed_in_user(request), token=token)
    return render(
        request, "orders/placed.html", {"order": order, "bank": settings.FEJZO_BANK_ACCOUNT}
    )


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    orders = order_list_for_customer(customer=signed_in_user(request))
    return render(request, "orders/list.html", {"orders": orders})


@login_required
def order_detail(request: HttpRequest, token: str) -> HttpResponse:
    customer = signed_in_user(request)
    # Mails sent before orders had tokens link by number: send the owner on.
    legacy = order_by_number_for_customer(customer=customer, number=token)
    if legacy is not None:
        return redirect("orders:detail", token=legacy.public_id)
    order = order_get_for_customer(customer=customer, token=token)
    return render(
        request, "orders/detail.html", {"order": order, "bank": settings.FEJZO_BANK_ACCOUNT}
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Ask first, cancel on the POST: a GET (a prefetching browser, a clicked link) never does."""
    customer = signed_in_user(request)
    order = order_get_for_customer(customer=customer, token=token)
    if request.method == "GET":
        if not order.can_be_cancelled_by_customer:
            messages.error(request, _("Kjo porosi nuk mund të anulohet më nga llogaria."))
            return redirect("orders:detail", token=order.public_id)
        return render(request, "orders/cancel_confirm.html", {"order": order})
    try:
        order_cancel_by_customer(order=order, customer=customer)
    except OrderError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Porosia u anulua."))
    return redirect("orders:detail", token=order.public_id)
