"""The contractor portal's second factor (P10, P14): TOTP is always required.

The same django-otp devices as the back office, but a flow of the portal's own: staff's
helpers live above this app. A person without a device enrols one once; the secret
waits in the session until a correct code proves the app holds it.
"""

from __future__ import annotations

import re
import secrets
import time
from base64 import b32encode
from binascii import unhexlify
from typing import Any

import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

SECRET_BYTES = 20
DEVICE_NAME = "TOTP kontraktori"
TOKEN_PATTERN = re.compile(r"^\d{6}$")
ENROLMENT_SESSION_KEY = "contractor_totp_enrolment"


class TokenInvalid(Exception):
    """The code does not match the device (or the secret) at this moment."""


def device_of(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def session_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return callable(is_verified) and bool(is_verified())


def _clean(token: str) -> str | None:
    digits = re.sub(r"\s+", "", token or "")
    return digits if TOKEN_PATTERN.match(digits) else None


def session_verify(*, request: HttpRequest, token: str) -> None:
    """Verify the session with a code from the person's device (throttled, no replay)."""
    device = device_of(request.user)
    code = _clean(token)
    if device is None or code is None:
        raise TokenInvalid
    verified = verify_token(device.user, device.persistent_id, code)
    if verified is None:
        raise TokenInvalid
    otp_login(request, verified)


def enrolment_secret(request: HttpRequest) -> str:
    secret = request.session.get(ENROLMENT_SESSION_KEY)
    if not isinstance(secret, str):
        secret = secrets.token_hex(SECRET_BYTES)
        request.session[ENROLMENT_SESSION_KEY] = secret
    return secret


def secret_display(secret: str) -> str:
    encoded = b32encode(unhexlify(secret)).decode().rstrip("=")
    return " ".join(encoded[start : start + 4] for start in range(0, len(encoded), 4))


def qr_svg(*, user: Any, secret: str) -> SafeString:
    """Return the QR code of the otpauth:// address as inline SVG (no script, no style)."""
    uri = str(TOTPDevice(user=user, key=secret).config_url)
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=4, light="#ffffff", title=_("Kodi QR për aplikacionin e verifikimit")
    )
    # segno builds the markup from the QR matrix and our own title, nothing typed by a user.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308


def device_enrol(*, request: HttpRequest, token: str) -> TOTPDevice:
    """Save the device once a code proves the app holds the secret, and verify the session."""
    secret = enrolment_secret(request)
    code = _clean(token)
    totp = TOTP(unhexlify(secret))
    totp.time = time.time()
    if code is None or not totp.verify(int(code), tolerance=1):
        raise TokenInvalid
    user = request.user
    with transaction.atomic():
        if device_of(user) is not None:
            raise TokenInvalid
        device = TOTPDevice.objects.create(
            user=user,
            name=DEVICE_NAME,
            key=secret,
            confirmed=True,
            last_t=totp.t(),
            drift=totp.drift,
        )
    del request.session[ENROLMENT_SESSION_KEY]
    otp_login(request, device)
    return device
