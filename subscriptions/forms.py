"""Forms for choosing marketing mail (P8) and for staff recording an opt-out (P13)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.email import normalise_email
from subscriptions.models import STAFF_CHANNELS, Channel, Subscriber, Topic
from subscriptions.selectors import address_index

EMAIL_ERRORS = {
    "required": _("Shkruani adresën tuaj të email-it."),
    "invalid": _("Kjo nuk duket si adresë email-i. Shembull: emri@shembull.al"),
    "max_length": _("Adresa e email-it është shumë e gjatë."),
}


def topics_field(
    *, label: Any, help_text: Any = "", template_name: str | None = None
) -> forms.MultipleChoiceField:
    """Return one checkbox per topic, none ticked unless the caller says so."""
    # django-stubs leaves Field's template_name (Django 5.0) out of ChoiceField's signature.
    return forms.MultipleChoiceField(  # type: ignore[call-arg]
        label=label,
        help_text=help_text,
        template_name=template_name,
        required=False,
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Zgjidhni vetëm nga temat e listës.")},
    )


def chosen_topics(cleaned: Mapping[str, Any]) -> list[Topic]:
    return [Topic(value) for value in cleaned.get("topics") or []]


def topic_wishes(cleaned: Mapping[str, Any]) -> dict[Topic, bool]:
    """Return every topic on or off as the boxes were left: an unticked box is a "no"."""
    chosen = set(chosen_topics(cleaned))
    return {topic: topic in chosen for topic in Topic}


class SubscribeForm(forms.Form):
    """The footer sign-up: an address and, optionally, the topics (default: the newsletter)."""

    email = forms.EmailField(
        label=_("Email-i juaj"),
        max_length=254,
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    topics = topics_field(
        label=_("Çfarë dëshironi të merrni"),
        help_text=_("Pa zgjedhur asgjë, ju dërgojmë vetëm të rejat."),
    )


class TopicsForm(forms.Form):
    """The topics a subscriber receives, as on the preference page and the account page."""

    topics = topics_field(label=_("Email-et që dëshironi të merrni"))

    @classmethod
    def for_states(cls, states: dict[Topic, bool], data: Any = None) -> TopicsForm:
        return cls(data=data, initial={"topics": [topic for topic, on in states.items() if on]})


class PreferencesForm(TopicsForm):
    SAVE = "save"
    UNSUBSCRIBE_ALL = "unsubscribe_all"

    # Set by the button pressed: save the boxes, or stop everything.
    action = forms.ChoiceField(
        choices=[(SAVE, SAVE), (UNSUBSCRIBE_ALL, UNSUBSCRIBE_ALL)],
        widget=forms.HiddenInput,
        error_messages={"required": _("Zgjidhni një nga butonat.")},
    )


class OptOutRecordForm(forms.Form):
    """What a person told staff: which account, how they said it, which topics, in their words."""

    customer = forms.CharField(
        label=_("Email-i ose numri i telefonit të klientit"),
        max_length=254,
        required=False,
        help_text=_("I plotë, siç e tha klienti. Nuk shfaqet askund pas kërkimit."),
    )
    channel = forms.ChoiceField(
        label=_("Si na e tha"),
        choices=[(channel.value, channel.label) for channel in STAFF_CHANNELS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Zgjidhni si e tha klienti: telefon, në dyqan ose email.")},
    )
    topics = topics_field(
        label=_("Nga cilat email-e"),
        help_text=_(
            "Pa zgjedhur asgjë: nga të gjitha, dhe adresa nuk merr më asnjë email marketingu."
        ),
    )
    note = forms.CharField(
        label=_("Shënim"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Çfarë kërkoi klienti, shkurt. Mos shkruani të dhëna të tjera personale."),
    )

    def __init__(self, *args: Any, account: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        if account is not None:
            del self.fields["customer"]

    def clean_customer(self) -> str:
        term = self.cleaned_data["customer"].strip()
        if self.account is None and not term:
            raise forms.ValidationError(
                _("Shkruani email-in ose numrin e telefonit të klientit."), code="required"
            )
        return term

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.person: User | Subscriber | str | None = self.account
        term = cleaned.get("customer", "")
        if self.account is None and term:
            self.account = self._find(term)
            self.person = self.account
            if self.account is None and "@" in term and not self.errors:
                self.person = self._visitor(term)
        return cleaned

    def _visitor(self, email: str) -> Subscriber | str | None:
        """A visitor with no account: their footer subscription, or just the address."""
        try:
            validate_email(email)
        except forms.ValidationError:
            self.add_error("customer", _("Shkruani një adresë email-i të vlefshme."))
            return None
        subscriber = Subscriber.objects.filter(email_index=address_index(email)).first()
        return subscriber or normalise_email(email)

    def _find(self, term: str) -> User | None:
        people = (
            User.objects.with_email(term) if "@" in term else User.objects.with_phone(term)
        ).filter(is_active=True)
        found = list(people[:2])
        if not found and "@" in term:
            # Not a customer: a visitor's address is handled by _visitor.
            return None
        if not found:
            self.add_error(
                "customer",
                _("Nuk gjetëm asnjë llogari me këtë email ose numër. Kontrolloni shkrimin."),
            )
            return None
        if len(found) > 1:
            self.add_error(
                "customer",
                _("Ky numër i përket më shumë se një llogarie. Kërkoni me email-in e klientit."),
            )
            return None
        return found[0]

    @property
    def chosen_channel(self) -> Channel:
        return Channel(self.cleaned_data["channel"])

    @property
    def chosen_topics(self) -> list[Topic] | None:
        """Return the topics ticked, or None for all of them."""
        return chosen_topics(self.cleaned_data) or None
