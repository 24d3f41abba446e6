"""Start-up checks for signed mail: a broken DKIM setting stops the shop, not a send."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from mail.backends import SigningBackend
from mail.dkim import DkimConfigurationError, configured_key, dns_records, from_domain

DKIM_MISCONFIGURED = "mail.E001"
DKIM_BACKEND_CANNOT_SIGN = "mail.E002"
MAIL_DNS_MISCONFIGURED = "mail.E003"
DKIM_DOMAIN_NOT_ALIGNED = "mail.W001"


def _aligned(signing_domain: str, sender_domain: str) -> bool:
    """Whether DMARC can pass on the signature: the same domain or one inside the other."""
    return (
        signing_domain == sender_domain
        or sender_domain.endswith(f".{signing_domain}")
        or signing_domain.endswith(f".{sender_domain}")
    )


@checks.register(checks.Tags.security)
def check_dkim(**kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse a DKIM key that cannot sign, or a backend that would send mail unsigned."""
    try:
        key = configured_key()
    except DkimConfigurationError as exc:
        return [
            checks.Error(
                str(exc),
                hint="Fix the FEJZO_DKIM_* variables, or unset them all to send unsigned "
                "(docs/deploy.md, section on mail).",
                id=DKIM_MISCONFIGURED,
            )
        ]
    messages: list[checks.CheckMessage] = []
    try:
        dns_records(key)
    except DkimConfigurationError as exc:
        messages.append(
            checks.Error(
                str(exc), hint="`manage.py mail_dns` prints the records.", id=MAIL_DNS_MISCONFIGURED
            )
        )
    if key is None:
        return messages
    backend = import_string(settings.EMAIL_BACKEND)
    if not (isinstance(backend, type) and issubclass(backend, SigningBackend)):
        messages.append(
            checks.Error(
                f"A DKIM key is set, but EMAIL_BACKEND {settings.EMAIL_BACKEND} does not let "
                "the shop sign the messages it sends.",
                hint="Send through EMAIL_URL smtp:// or smtps:// to sign in the shop. An email "
                "provider's API (ANYMAIL_ESP) builds the message itself: let the provider sign "
                "with your domain and unset FEJZO_DKIM_*.",
                id=DKIM_BACKEND_CANNOT_SIGN,
            )
        )
    if not _aligned(key.domain, from_domain()):
        messages.append(
            checks.Warning(
                f"Mail is signed for {key.domain} but sent from {from_domain()}: DMARC will "
                "not count the signature.",
                hint="Set FEJZO_DKIM_DOMAIN to the domain of DEFAULT_FROM_EMAIL, or unset it.",
                id=DKIM_DOMAIN_NOT_ALIGNED,
            )
        )
    return messages
