from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cart.selectors import cart_count
from cart.views import shopper


def cart_summary(request: HttpRequest) -> dict[str, Any]:
    if not hasattr(request, "session"):
        return {"cart_count": 0}
    return {"cart_count": SimpleLazyObject(lambda: cart_count(**shopper(request)))}
