"""Masked forms of personal values, as staff see them without a purpose (P5)."""

from __future__ import annotations

import phonenumbers

from privacy.registry import Mask

STARS = "***"


def mask_name(value: str) -> str:
    return " ".join(f"{word[0]}{STARS}" for word in value.split())


def mask_email(value: str) -> str:
    local, _at, domain = value.partition("@")
    if not domain:
        return STARS
    host, _dot, suffix = domain.rpartition(".")
    masked_host = f"{host[:1]}{STARS}" if host else STARS
    return f"{local[:1]}{STARS}@{masked_host}.{suffix}" if suffix else f"{local[:1]}{STARS}@{STARS}"


def _country_code(digits: str) -> str | None:
    for length in (1, 2, 3):
        if int(digits[:length]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return digits[:length]
    return None


def mask_phone(value: str) -> str:
    """Keep the country code, the operator prefix and the last two digits.

    Stored numbers are E.164, so the country code is found by table lookup; parsing
    each number would cost more than decrypting it.
    """
    digits = value.removeprefix("+")
    if not value.startswith("+") or not digits.isdigit():
        return STARS
    code = _country_code(digits)
    national = digits[len(code) :] if code else ""
    if code is None or len(national) < 6:
        return STARS
    return f"+{code} {national[:2]} *** **{national[-2:]}"


def mask_street(value: str) -> str:
    """Keep a short leading word such as "Rr." or "Blv." and hide the rest."""
    first, _space, _rest = value.partition(" ")
    if first and len(first) <= 4 and not any(char.isdigit() for char in first):
        return f"{first} {STARS}"
    return STARS


def mask_ip_address(value: str) -> str:
    if "." in value:
        return ".".join(value.split(".")[:2] + ["*", "*"])
    return ":".join(value.split(":")[:2] + ["*"])


MASKS = {
    Mask.NAME: mask_name,
    Mask.EMAIL: mask_email,
    Mask.PHONE: mask_phone,
    Mask.STREET: mask_street,
    Mask.IP_ADDRESS: mask_ip_address,
}


def masked(value: object, mask: Mask) -> str:
    """Return what staff without a purpose see of a value."""
    if value is None or value == "":
        return ""
    if mask == Mask.NONE:
        return str(value)
    function = MASKS.get(mask)
    return function(str(value)) if function else STARS
