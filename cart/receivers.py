"""What the cart does when a customer signs in: the visitor's cart joins theirs."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import User
from cart.services import cart_merge_session_into_account


@receiver(user_logged_in, dispatch_uid="cart.merge_on_login")
def merge_cart_on_login(
    sender: Any, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    if request is not None and hasattr(request, "session"):
        cart_merge_session_into_account(session=request.session, user=user)
