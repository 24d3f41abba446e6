"""Keep the visitor's history in step with what the catalogue and the cookie choice report (P7)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

from catalog.signals import product_viewed
from consent.cookies import CookieCategory
from consent.signals import consent_decided
from consent.state import ConsentState
from personalisation.history import history_forget, history_record


@receiver(product_viewed, dispatch_uid="personalisation.record_viewed")
def _record_viewed(
    sender: Any,
    *,
    request: HttpRequest,
    response: HttpResponseBase,
    product_id: int,
    **kwargs: Any,
) -> None:
    history_record(request, response, product_id)


@receiver(consent_decided, dispatch_uid="personalisation.forget_on_refusal")
def _forget_on_refusal(
    sender: Any, *, response: HttpResponseBase, state: ConsentState, **kwargs: Any
) -> None:
    if not state.allows(CookieCategory.PERSONALISATION):
        history_forget(response)
