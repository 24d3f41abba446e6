"""Phone numbers in, E.164 out, with the phonenumbers library.

Numbers typed without a country code are read as Albanian. A contact number may be
foreign (a customer living abroad); a delivery number must be Albanian, since the
couriers call only those.
"""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_REGION = "AL"
ALBANIAN_COUNTRY_CODE = 355


def normalise_phone(raw: str) -> str:
    """Return the number in E.164 ("+355691234567"); refuse it in the user's language."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Shkruani numrin e telefonit."), code="required")
    if len(text) > 25:
        raise ValidationError(_("Numri i telefonit është shumë i gjatë."), code="too_long")
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Ky nuk duket si numër telefoni. Shembull: 069 123 4567 ose +355 69 123 4567."),
            code="invalid",
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Ky numër telefoni nuk është i vlefshëm. Shembull: 069 123 4567 ose 04 222 3344."),
            code="invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_albanian_phone(e164: str) -> bool:
    """Whether a stored number is an Albanian one (+355): the couriers call only those."""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return False
    return number.country_code == ALBANIAN_COUNTRY_CODE


def validate_delivery_phone(e164: str) -> None:
    """Refuse a delivery number that is not Albanian; a contact number may be foreign."""
    if not is_albanian_phone(e164):
        raise ValidationError(
            _(
                "Numri i telefonit për dorëzimin duhet të jetë shqiptar (+355), "
                "që korrieri t'ju telefonojë. Shembull: 069 123 4567."
            ),
            code="not_albanian",
        )


def display_phone(e164: str) -> str:
    """Format a stored number for people: "+355 69 123 4567"."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_search_key(raw: str) -> str:
    """Return the E.164 form of a number typed in any format, or "" if it is none."""
    try:
        return normalise_phone(raw)
    except ValidationError:
        return ""
