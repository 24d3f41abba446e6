"""Marketing mail pages (P8, P13): footer sign-up, confirmation, preferences, one-click unsubscribe.

The pages behind a link from a mailbox are named by a signed token, never by the
address, and work without an account, a session or JavaScript. A GET never changes
anything, because mail scanners follow links; only a POST does. Those pages are not
cached, not indexed, send no referrer and load no analytics, so the token stays
between the site and the mailbox.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import Language
from accounts.throttles import mail_request_allowed
from core.http import client_ip_address, private_response, token_page
from mail.models import MailKind
from privacy.masking import mask_email
from subscriptions.forms import PreferencesForm, SubscribeForm, chosen_topics, topic_wishes
from subscriptions.models import Channel, Subscriber, Topic
from subscriptions.selectors import (
    subscriber_from_confirmation_token,
    subscriber_from_preferences_token,
    subscription_reason,
    topic_states,
)
from subscriptions.services import (
    footer_subscribe,
    subscription_change,
    subscription_confirm,
    unsubscribe_all,
    unsubscribe_one_click,
)
from subscriptions.tokens import preferences_token, unsubscribe_token_read

# RFC 8058: the body a mail client POSTs to the List-Unsubscribe address.
ONE_CLICK_FIELD = "List-Unsubscribe"
ONE_CLICK_VALUE = "One-Click"
# The button on our own unsubscribe page.
PAGE_BUTTON_FIELD = "confirm"
# The query flag of the pages a POST redirects to (PRG).
SENT_FLAG = "derguar"
SAVED_FLAG = "ruajtur"


def _language() -> str:
    language = get_language()
    return language if language in Language.values else Language.ALBANIAN


def _labels(states: dict[Topic, bool]) -> list[str]:
    return [str(topic.label) for topic, on in states.items() if on]


def _preferences_path(public_id: str) -> str:
    return reverse("subscriptions:preferences", args=[preferences_token(public_id)])


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """Take the footer sign-up and answer the same whatever the address (double opt-in).

    Anyone can type anyone's address here: an address or a client past its limit gets
    the same answer, and nothing is recorded or mailed (P14).
    """
    if request.method == "GET":
        if request.GET.get(SENT_FLAG):
            return render(
                request,
                "subscriptions/check_inbox.html",
                {"valid_days": settings.SUBSCRIPTION_UNCONFIRMED_DAYS},
            )
        return redirect("catalog:home")
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "subscriptions/subscribe.html", {"form": form})
    email = form.cleaned_data["email"]
    if mail_request_allowed(
        kind=MailKind.SUBSCRIPTION_CONFIRM,
        to_address=email,
        client_ip=client_ip_address(request),
    ):
        footer_subscribe(email=email, topics=chosen_topics(form.cleaned_data), language=_language())
    return redirect(f"{reverse('subscriptions:subscribe')}?{SENT_FLAG}=1")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Show a confirmation button for the link in the mail; only pressing it confirms."""
    subscriber: Subscriber | None
    if request.method == "POST":
        subscriber = subscription_confirm(token=token)
    else:
        subscriber = subscriber_from_confirmation_token(token)
    if subscriber is None:
        return token_page(
            request, "subscriptions/link_invalid.html", {"kind": "confirm"}, status=400
        )
    context = {
        "masked_email": mask_email(subscriber.email),
        "topics": _labels(topic_states(subscriber)),
        "preferences_url": _preferences_path(subscriber.public_id),
    }
    if request.method == "POST":
        return token_page(request, "subscriptions/confirmed.html", context)
    return token_page(request, "subscriptions/confirm.html", context)


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    """Let the mailbox choose its topics or stop everything, without signing in (P13)."""
    subscriber = subscriber_from_preferences_token(token)
    if subscriber is None:
        return token_page(
            request, "subscriptions/link_invalid.html", {"kind": "preferences"}, status=404
        )
    states = topic_states(subscriber)
    form = PreferencesForm.for_states(
        states, data=request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["action"] == PreferencesForm.UNSUBSCRIBE_ALL:
            unsubscribe_all(subscriber=subscriber, channel=Channel.PREFERENCE_PAGE, actor=None)
            return token_page(
                request,
                "subscriptions/unsubscribed.html",
                {"preferences_url": request.path, "everything": True},
            )
        subscription_change(
            subscriber=subscriber,
            topics=topic_wishes(form.cleaned_data),
            channel=Channel.PREFERENCE_PAGE,
            actor=None,
        )
        return private_response(redirect(f"{request.path}?{SAVED_FLAG}=1"))
    return token_page(
        request,
        "subscriptions/preferences.html",
        {
            "form": form,
            "masked_email": mask_email(subscriber.email),
            "reason": subscription_reason(subscriber),
            "receives": _labels(states),
            "saved": request.method == "GET" and bool(request.GET.get(SAVED_FLAG)),
        },
        status=400 if request.method == "POST" else 200,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The List-Unsubscribe address (RFC 8058).

    A mail client's POST with ``List-Unsubscribe=One-Click`` unsubscribes and gets a
    plain 200: no redirect, no cookie, the same answer for any token, so nothing is
    learnt about who is subscribed. It carries no CSRF token and no session, which is
    why the view is exempt; the signed token is the authority. A GET shows a button.
    """
    parsed = unsubscribe_token_read(token)
    context = {
        "topic": parsed.topic.label if parsed and parsed.topic else "",
        "preferences_url": _preferences_path(parsed.public_id) if parsed else "",
    }
    if request.method == "GET":
        return token_page(request, "subscriptions/unsubscribe.html", context)
    if request.POST.get(ONE_CLICK_FIELD) == ONE_CLICK_VALUE:
        unsubscribe_one_click(token=token)
        return private_response(
            HttpResponse(
                _("U çregjistruat. Nuk do të merrni më këto email-e nga 3VFejzo.") + "\n",
                content_type="text/plain; charset=utf-8",
            )
        )
    if request.POST.get(PAGE_BUTTON_FIELD):
        unsubscribe_one_click(token=token)
        return token_page(request, "subscriptions/unsubscribed.html", context)
    return private_response(
        HttpResponseBadRequest(
            _("Kërkesa nuk u kuptua: asgjë nuk ndryshoi.") + "\n",
            content_type="text/plain; charset=utf-8",
        )
    )
