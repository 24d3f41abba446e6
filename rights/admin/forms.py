"""The erasure pages' forms: they read what staff typed; the services decide (P12)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.text import ReasonField
from legal.models import LegalRequest
from orders.models import Order, OrderStatus
from rights.admin.display import day_text
from rights.models import HoldKind, RequestChannel
from support.models import CaseStatus, SupportCase

# How a request reaches staff; from the account the person asks themselves.
STAFF_CHANNELS = (RequestChannel.EMAIL, RequestChannel.PHONE, RequestChannel.IN_PERSON)
WHOLE_PERSON = "all"
ORDER_PREFIX = "order:"
CASE_PREFIX = "case:"


def _date_widget(**limits: str) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **limits}, format="%Y-%m-%d")


class ErasureRegisterForm(forms.Form):
    """A request told to staff: how it came and on which day."""

    channel = forms.ChoiceField(
        label=_("Si erdhi kërkesa"),
        choices=[(channel.value, channel.label) for channel in STAFF_CHANNELS],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Zgjidhni si erdhi kërkesa: email, telefon apo në dyqan."),
            "invalid_choice": _("Zgjidhni si erdhi kërkesa: email, telefon apo në dyqan."),
        },
    )
    received_on = forms.DateField(
        label=_("Marrë më"),
        initial=timezone.localdate,
        help_text=_("Dita kur na erdhi kërkesa. Afati për t'iu përgjigjur nis nga kjo ditë."),
        error_messages={
            "required": _("Shkruani datën kur erdhi kërkesa."),
            "invalid": _("Shkruani një datë të vlefshme."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].widget = _date_widget(max=timezone.localdate().isoformat())

    @property
    def chosen_channel(self) -> RequestChannel:
        return RequestChannel(self.cleaned_data["channel"])


class ErasureExtendForm(forms.Form):
    reason = ReasonField(
        min_letters=15,
        label=_("Arsyeja e zgjatjes"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "I dërgohet klientit me email, ashtu siç e shkruani. Shpjegoni pse duhet më shumë "
            "kohë; mos shkruani të dhëna të personave të tjerë."
        ),
        error_messages={"required": _("Shkruani arsyen e zgjatjes.")},
    )


def _target_choices(subject: User) -> list[tuple[str, str]]:
    """Return what a hold may cover: the whole person, or one of their orders or cases."""
    choices = [(WHOLE_PERSON, gettext("Të gjitha të dhënat e personit"))]
    orders = (
        Order.objects.filter(customer=subject)
        .order_by("-placed_at")
        .values_list("pk", "number", "status", "placed_at")
    )
    for pk, number, status, placed_at in orders:
        label = gettext("Porosia %(number)s (%(status)s, %(date)s)") % {
            "number": number,
            "status": OrderStatus(status).label,
            "date": day_text(placed_at),
        }
        choices.append((f"{ORDER_PREFIX}{pk}", label))
    cases = (
        SupportCase.objects.filter(customer=subject)
        .order_by("-opened_at")
        .values_list("pk", "status", "opened_at")
    )
    for pk, status, opened_at in cases:
        label = gettext("Rasti #%(id)s (%(status)s, hapur më %(date)s)") % {
            "id": pk,
            "status": CaseStatus(status).label,
            "date": day_text(opened_at),
        }
        choices.append((f"{CASE_PREFIX}{pk}", label))
    return choices


class LegalHoldForm(forms.Form):
    """A hold over one person: what kind, over what, why, and when it is looked at again."""

    kind = forms.ChoiceField(
        label=_("Lloji"),
        choices=HoldKind.choices,
        error_messages={"required": _("Zgjidhni llojin e bllokimit.")},
    )
    target = forms.ChoiceField(
        label=_("Çfarë mbahet"),
        help_text=_("Vetëm porositë dhe rastet e këtij klienti."),
        error_messages={"invalid_choice": _("Zgjidhni një porosi ose rast të këtij klienti.")},
    )
    reason = ReasonField(
        min_letters=10,
        label=_("Arsyeja"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "I tregohet klientit në raportin e fshirjes: shkruajeni për të, për çështjen, "
            "pa të dhëna të personave të tjerë."
        ),
        error_messages={"required": _("Shkruani arsyen e bllokimit.")},
    )
    review_on = forms.DateField(
        label=_("Rishikohet më"),
        help_text=_("Dita kur e shikoni sërish nëse bllokimi duhet ende."),
        error_messages={
            "required": _("Shkruani datën e rishikimit."),
            "invalid": _("Shkruani një datë të vlefshme."),
        },
    )

    legal_request = forms.ModelChoiceField(
        label=_("Kërkesa ligjore"),
        queryset=LegalRequest.objects.none(),
        required=False,
        help_text=_(
            "Nëse bllokimi është për një kërkesë autoriteti: ajo që e përmend këtë klient."
        ),
        error_messages={
            "invalid_choice": _("Zgjidhni një kërkesë ligjore që e përmend këtë klient.")
        },
    )

    def __init__(self, *args: Any, subject: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject = subject
        legal_request = self.fields["legal_request"]
        assert isinstance(legal_request, forms.ModelChoiceField)
        legal_request.queryset = LegalRequest.objects.filter(people__person=subject).order_by("-pk")
        self.order: Order | None = None
        self.support_case: SupportCase | None = None
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = _target_choices(subject)
        tomorrow = timezone.localdate() + timedelta(days=1)
        self.fields["review_on"].widget = _date_widget(min=tomorrow.isoformat())

    def clean_target(self) -> str:
        value: str = self.cleaned_data["target"]
        if value.startswith(ORDER_PREFIX):
            self.order = Order.objects.get(
                pk=int(value.removeprefix(ORDER_PREFIX)), customer=self.subject
            )
        elif value.startswith(CASE_PREFIX):
            self.support_case = SupportCase.objects.get(
                pk=int(value.removeprefix(CASE_PREFIX)), customer=self.subject
            )
        return value

    @property
    def chosen_kind(self) -> HoldKind:
        return HoldKind(self.cleaned_data["kind"])
