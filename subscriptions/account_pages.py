"""What subscriptions adds to the account pages (P8): the topics at registration, and the
"Email-et nga 3VFejzo" section of the profile page with its history.

Registered with accounts.extensions when accounts finds this module at start-up;
the topics ticked at registration are recorded by subscriptions.receivers.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.extensions import (
    ProfileSection,
    RegistrationField,
    SectionShown,
    profile_section_add,
    registration_field_add,
)
from accounts.models import User
from subscriptions.forms import TopicsForm, topic_wishes, topics_field
from subscriptions.models import Channel, Subscriber, Topic
from subscriptions.selectors import subscriber_of_user, subscription_history, topic_states
from subscriptions.services import SubscriberUnavailable, subscriber_for_user, subscription_change

# The value of the hidden `form` field the topics form posts on the profile page.
TOPICS_FORM_NAME = "subscriptions"
SECTION_TEMPLATE = "subscriptions/_account.html"
HISTORY_ROWS = 50


def registration_topics_field() -> forms.MultipleChoiceField:
    """Return the registration form's optional topics (P8: every box starts unticked)."""
    return topics_field(
        label=gettext_lazy("Dëshironi të merrni edhe email-e nga 3VFejzo? (opsionale)"),
        help_text=gettext_lazy(
            "Mund të çregjistroheni kurdo, me lidhjen në fund të çdo email-i ose te llogaria juaj."
        ),
        template_name="subscriptions/_topics.html",
    )


def topics_section(
    request: HttpRequest, user: User, posted: QueryDict | None
) -> SectionShown | HttpResponse:
    """Show the topics the account receives and their history; save its topics form."""
    # Until the address is verified, the subscription with it may be another person's
    # (anyone can register with any address): no topics are shown or changed here.
    if not user.email_verified:
        # A topics form posted before the address is verified is refused and changes nothing.
        return SectionShown(
            template_name=SECTION_TEMPLATE,
            context={"form_name": TOPICS_FORM_NAME, "topics_form": None, "history": None},
            status=403 if posted is not None else 200,
        )
    subscriber = subscriber_of_user(user)
    topics_form = TopicsForm.for_states(topic_states(subscriber), data=posted)
    if posted is not None and topics_form.is_valid():
        return _topics_save(
            request, user, subscriber=subscriber, wishes=topic_wishes(topics_form.cleaned_data)
        )
    return SectionShown(
        template_name=SECTION_TEMPLATE,
        context={
            "form_name": TOPICS_FORM_NAME,
            "topics_form": topics_form,
            "history": list(subscription_history(subscriber)[:HISTORY_ROWS]),
        },
    )


def _topics_save(
    request: HttpRequest, user: User, *, subscriber: Subscriber | None, wishes: dict[Topic, bool]
) -> HttpResponse:
    """Switch the account's topics as the boxes were left, and go back to the section."""
    section_url = f"{reverse('accounts:profile')}#email-et"
    # Nothing ticked and nothing to stop: no row is kept for an address that wants nothing.
    if subscriber is not None or any(wishes.values()):
        try:
            own = subscriber_for_user(user)
        except SubscriberUnavailable:
            messages.error(
                request,
                _("Zgjedhja juaj nuk u ruajt. Na shkruani në %(email)s dhe e rregullojmë.")
                % {"email": settings.CONTACT_EMAIL},
            )
            return redirect(section_url)
        subscription_change(subscriber=own, topics=wishes, channel=Channel.ACCOUNT, actor=user)
    messages.success(request, _("Zgjedhja juaj për email-et u ruajt. Vlen që tani."))
    return redirect(section_url)


# Named "topics", as chosen_topics reads it from the answers (subscriptions.receivers).
registration_field_add(RegistrationField(name="topics", make=registration_topics_field))
profile_section_add(ProfileSection(form_name=TOPICS_FORM_NAME, show=topics_section))
