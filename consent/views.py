"""The cookie choice (P7): a plain POST that works without JavaScript, and the cookie page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consent.cookies import CONSENT_COOKIE, COOKIES, CookieCategory
from consent.forms import ConsentForm
from consent.models import DecisionChannel
from consent.services import consent_decide
from consent.signals import consent_decided
from consent.state import ConsentState, consent_from_request, needs_asking

ANALYTICS_COOKIE_PREFIX = "_ga"


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def analytics_cookie_domain(host: str) -> str | None:
    """Return the domain Google sets its cookies on for this host: host-only for an IP
    address or a single-label name, else the site's domain with a leading dot.

    A response can delete a cookie under one domain only; the analytics script deletes
    any other variants in the browser.
    """
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if "." not in name or name.replace(".", "").isdigit() or ":" in name:
        return None
    return "." + name.removeprefix("www.")


def _forget_analytics_cookies(request: HttpRequest, response: HttpResponse) -> None:
    domain = analytics_cookie_domain(request.get_host())
    for name in request.COOKIES:
        if name.startswith(ANALYTICS_COOKIE_PREFIX):
            response.delete_cookie(name, domain=domain)


def _set_consent_cookie(request: HttpRequest, response: HttpResponse, state: ConsentState) -> None:
    response.set_cookie(
        CONSENT_COOKIE,
        state.to_cookie(),
        max_age=settings.CONSENT_MAX_AGE_DAYS * 24 * 60 * 60,
        secure=request.is_secure(),
        # Readable by our analytics script, which only ever uses it to stop analytics
        # in a tab left open after a withdrawal elsewhere; the server checks the signature.
        httponly=False,
        samesite="Lax",
    )


@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    """Record the visitor's choice, keep it in their cookie, and remove what they refused."""
    form = ConsentForm(request.POST)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"error": _("Zgjedhja nuk u kuptua.")}, status=400)
        messages.error(request, _("Zgjedhja nuk u kuptua. Provoni sërish."))
        return HttpResponseRedirect(reverse("consent:cookies"))
    action, analytics, personalisation = form.decision()
    state = consent_decide(
        previous=consent_from_request(request),
        analytics=analytics,
        personalisation=personalisation,
        action=action,
        channel=DecisionChannel.BANNER if _wants_json(request) else DecisionChannel.FORM,
        user=request.user,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse({"analytics": analytics, "personalisation": personalisation})
    else:
        target = form.cleaned_data["next"]
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("catalog:home")
        messages.success(request, _("Zgjedhja juaj për cookies u ruajt."))
        response = HttpResponseRedirect(target)
    _set_consent_cookie(request, response, state)
    if not analytics:
        _forget_analytics_cookies(request, response)
    consent_decided.send(sender=ConsentState, request=request, response=response, state=state)
    return response


def cookie_page(request: HttpRequest) -> HttpResponse:
    """List every cookie from the registry, by category, and let the visitor change the choice."""
    state = consent_from_request(request)
    # A choice that must be asked again is not offered ticked.
    standing = state if state is not None and not needs_asking(state) else None
    form = ConsentForm(
        initial={
            "analytics": bool(standing and standing.analytics),
            "personalisation": bool(standing and standing.personalisation),
            "next": request.get_full_path(),
        }
    )
    categories = [
        (category, [spec for spec in COOKIES if spec.category == category])
        for category in CookieCategory
    ]
    return render(
        request,
        "consent/cookies.html",
        {"categories": categories, "consent_form": form, "consent_state": state},
    )
