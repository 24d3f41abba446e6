"""The customer's and the visitor's forms: open a case, answer in it, write to the shop (P9)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import ACCEPT_ATTRIBUTE, CleanImage, image_clean
from support.models import SupportCase
from support.services import (
    MAX_PHOTOS_PER_MESSAGE,
    MESSAGE_MIN_LETTERS,
    contact_email_clean,
    contact_name_clean,
    order_number_clean,
)

MESSAGE_MAX = 5000
# The orders app sits above support: its model is reached through the case's link to it.
Order: Any = SupportCase._meta.get_field("order").related_model


class PhotosInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS_PER_MESSAGE pictures, each checked and re-encoded without EXIF."""

    widget = PhotosInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": ACCEPT_ATTRIBUTE, "multiple": True})

    def clean(self, data: Any, initial: Any = None) -> list[CleanImage]:  # type: ignore[override]
        uploads = [upload for upload in (data or []) if upload] if isinstance(data, list) else []
        if data and not isinstance(data, list):
            uploads = [data]
        if len(uploads) > MAX_PHOTOS_PER_MESSAGE:
            raise ValidationError(
                _("Bashkëngjitni deri në %(count)d fotografi me një mesazh."),
                code="too_many_photos",
                params={"count": MAX_PHOTOS_PER_MESSAGE},
            )
        photos: list[CleanImage] = []
        errors: list[ValidationError] = []
        for upload in uploads:
            try:
                photos.append(image_clean(upload))
            except ValidationError as refused:
                errors.extend(
                    ValidationError(f"{upload.name}: {message}", code=refused.code)
                    for message in refused.messages
                )
        if errors:
            raise ValidationError(errors)
        return photos


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Mesazhi juaj"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        min_length=MESSAGE_MIN_LETTERS,
    )


class CustomerMessageForm(MessageForm):
    """The customer's message in their case, with photos if they have some to show."""

    photos = PhotosField(
        label=_("Fotografi (opsionale)"),
        help_text=_(
            "Deri në %(count)d fotografi JPEG, PNG ose WebP. Vendndodhja dhe të dhënat e "
            "tjera që telefoni ruan në foto hiqen para se t'i ruajmë."
        )
        % {"count": MAX_PHOTOS_PER_MESSAGE},
    )


class CaseOpenForm(CustomerMessageForm):
    summary = forms.CharField(
        label=_("Për çfarë bëhet fjalë?"),
        max_length=200,
        help_text=_("Me pak fjalë, p.sh. „Frigoriferi bën zhurmë”."),
    )
    order = forms.ModelChoiceField(
        label=_("Për një porosi (opsionale)"),
        queryset=Order._default_manager.none(),
        required=False,
        empty_label=_("Asnjë porosi e caktuar"),
    )

    field_order = ["summary", "order", "body", "photos"]

    def __init__(self, *args: Any, customer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the customer's own orders can be chosen.
        order_field = self.fields["order"]
        assert isinstance(order_field, forms.ModelChoiceField)
        own = Order._default_manager.filter(customer_id=customer.pk)
        order_field.queryset = own.order_by("-placed_at")
        order_field.label_from_instance = lambda obj: str(obj.number)  # type: ignore[method-assign,assignment]


class ContactForm(MessageForm):
    """A visitor writes to the shop; the answer goes to the address they give."""

    name = forms.CharField(label=_("Emri juaj"), max_length=150)
    email = forms.CharField(
        label=_("Email-i juaj"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Përgjigjen jua dërgojmë në këtë adresë."),
    )
    order_number = forms.CharField(
        label=_("Numri i porosisë (opsional)"),
        max_length=40,
        required=False,
        help_text=_("Nëse shkruani për një porosi, p.sh. 3VF-260301-AB12C."),
    )
    # Left empty by people, who never see it; filled by robots that fill every field.
    website = forms.CharField(label=_("Mos e plotësoni këtë fushë"), required=False)

    field_order = ["name", "email", "order_number", "body", "website"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_name(self) -> str:
        return contact_name_clean(self.cleaned_data["name"])

    def clean_email(self) -> str:
        return contact_email_clean(self.cleaned_data["email"])

    def clean_order_number(self) -> str:
        return order_number_clean(self.cleaned_data.get("order_number") or "")

    @property
    def from_robot(self) -> bool:
        return bool((self.data.get("website") or "").strip())
