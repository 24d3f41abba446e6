"""The staff second factor (P14): TOTP devices, their enrolment, and the switch.

With FEJZO_STAFF_2FA on, the back office admits a session only once a code from the
staff member's authenticator app has verified it. A staff member without a device
enrols one at /zyra/2fa/: the secret lives in their session until a correct code
proves the app holds it, and only then is a device saved.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from base64 import b32encode
from binascii import unhexlify

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from core.clauses import enforces

logger = logging.getLogger(__name__)

# 160 bits, as RFC 4226 recommends and every authenticator app accepts.
SECRET_BYTES = 20
DEVICE_NAME = "TOTP"
TOKEN_PATTERN = re.compile(r"^\d{6}$")


class TwoFactorError(Exception):
    """A second-factor step was refused."""


class TotpTokenInvalid(TwoFactorError):
    """The code does not match the secret at this moment."""


class TotpAlreadyEnrolled(TwoFactorError):
    """The account already has a confirmed device; replacing it needs a verified session."""


def staff_two_factor_required() -> bool:
    """Return whether the back office asks for a second factor (FEJZO_STAFF_2FA)."""
    return bool(settings.FEJZO_STAFF_2FA)


def totp_device_confirmed(*, user: User) -> TOTPDevice | None:
    """Return the staff member's confirmed authenticator device, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


@enforces("P14", "the back office admits only a session verified by a second factor")
def staff_session_verified(request: HttpRequest) -> bool:
    """Return whether this session passed the second factor (False without OTPMiddleware)."""
    is_verified = getattr(request.user, "is_verified", None)
    return callable(is_verified) and bool(is_verified())


def staff_enrolment_needed(user: object) -> bool:
    """Return whether a signed-in staff member must enrol a device before the back office."""
    return (
        staff_two_factor_required()
        and isinstance(user, User)
        and user.is_active
        and user.is_staff
        and totp_device_confirmed(user=user) is None
    )


def totp_token_clean(token: str) -> str | None:
    """Return the code as six digits, forgiving the spaces apps show, or None if it is not one."""
    digits = re.sub(r"\s+", "", token or "")
    return digits if TOKEN_PATTERN.match(digits) else None


def totp_token_verify(*, device: TOTPDevice, token: str) -> bool:
    """Check a sign-in code against the device, with django-otp's throttling and replay guard."""
    code = totp_token_clean(token)
    return code is not None and verify_token(device.user, device.persistent_id, code) is not None


def totp_secret_generate() -> str:
    """Return a new secret in the hex form TOTPDevice stores."""
    return secrets.token_hex(SECRET_BYTES)


def totp_secret_display(secret: str) -> str:
    """Return the secret as authenticator apps ask to have it typed: base32, in groups of four."""
    encoded = b32encode(unhexlify(secret)).decode().rstrip("=")
    return " ".join(encoded[start : start + 4] for start in range(0, len(encoded), 4))


def totp_provisioning_uri(*, user: User, secret: str) -> str:
    """Return the otpauth:// address an authenticator app reads from the QR code."""
    return str(TOTPDevice(user=user, key=secret).config_url)


def totp_qr_svg(uri: str) -> SafeString:
    """Return the QR code of the address as inline SVG markup, drawn here and not by a service.

    Inline SVG needs no script or style, so the page keeps the strict CSP; the light
    background is drawn in so the code stays readable in the admin's dark theme.
    """
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=4, light="#ffffff", title=_("Kodi QR për aplikacionin e verifikimit")
    )
    # segno builds the markup from the QR matrix and our own title, nothing typed by a user.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308


def totp_device_confirm(*, user: User, secret: str, token: str, actor: User | None) -> TOTPDevice:
    """Save the device once a code proves the app holds the secret; refuse otherwise.

    Nothing is written for a wrong code. The accepted time step is recorded so the
    same code cannot then be replayed to sign in.
    """
    code = totp_token_clean(token)
    totp = TOTP(unhexlify(secret))
    totp.time = time.time()
    if code is None or not totp.verify(int(code), tolerance=1):
        raise TotpTokenInvalid
    with transaction.atomic():
        # The row lock makes two confirmations racing from one session save one device.
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        if totp_device_confirmed(user=user) is not None:
            raise TotpAlreadyEnrolled
        device = TOTPDevice.objects.create(
            user=user,
            name=DEVICE_NAME,
            key=secret,
            confirmed=True,
            last_t=totp.t(),
            drift=totp.drift,
        )
    logger.info(
        "Staff account %s confirmed a TOTP device (actor %s).",
        user.pk,
        actor.pk if actor else None,
    )
    return device
