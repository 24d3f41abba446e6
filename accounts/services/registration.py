"""Account writes: registration and email verification.

Registration answers alike whether or not the address already has an account, as the
password reset does (P14): a new address gets its account, an existing one's owner a
mail that someone tried, and nobody learns from the page which of the two happened.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.signals import customer_registered, email_verified
from accounts.throttles import mail_request_allowed
from accounts.tokens import check_email_verification_token, make_email_verification_token
from core.clauses import enforces
from core.email import normalise_email
from mail.models import MailKind
from mail.services import mail_enqueue
from policy.models import DocumentKind
from policy.services import policy_acceptance_record
from privacy.audit import personal_change_record
from privacy.registry import registry


class PolicyVersionOutdated(Exception):
    """The person agreed to a version that is no longer the one in force."""


def absolute_url(path: str) -> str:
    """Return a path on this site as the address a mail can link to."""
    return f"{settings.SITE_URL}{path}"


def email_verification_url(user: User) -> str:
    with translation.override(user.language):
        path = reverse(
            "accounts:verify_email",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": make_email_verification_token(user),
            },
        )
    return absolute_url(path)


def email_verification_send(*, user: User) -> None:
    """Queue a fresh verification link for the user's current address."""
    mail_enqueue(
        kind=MailKind.EMAIL_VERIFICATION,
        to_address=user.email,
        language=user.language,
        recipient=user,
        context={
            "first_name": user.first_name,
            "verify_url": email_verification_url(user),
            "valid_days": settings.EMAIL_VERIFICATION_TIMEOUT // 86400,
        },
    )


@transaction.atomic
@enforces("P1", "registration records the exact policy and terms versions the person agreed to")
def customer_register(
    *,
    first_name: str,
    last_name: str,
    email: str,
    phone_e164: str,
    password: str,
    language: str,
    terms_version: int,
    privacy_version: int,
    current_terms_version: int,
    current_privacy_version: int,
    answers: Mapping[str, Any] | None = None,
) -> User:
    """Create a customer account, record what they agreed to (P1) and queue the welcome mail (P8).

    The mails are written to the outbox in this transaction: if registration fails,
    nothing is sent; if it succeeds, both mails are delivered even if SMTP is down now.
    `answers` holds what the person answered in the fields apps added to the form (the
    marketing topics, P8); they receive it with `customer_registered` in this
    transaction, so the account and what it asked for exist together or not at all.
    """
    if (terms_version, privacy_version) != (current_terms_version, current_privacy_version):
        raise PolicyVersionOutdated
    user = User.objects.create_user(
        email=normalise_email(email),
        password=password,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        phone=phone_e164,
        language=language,
    )
    personal_change_record(
        actor=user,
        subject_id=user.pk,
        model=User,
        names=registry.fields_of(User),
    )
    now = timezone.now()
    for kind, version in (
        (DocumentKind.TERMS, terms_version),
        (DocumentKind.PRIVACY, privacy_version),
    ):
        policy_acceptance_record(
            user=user, kind=kind, version=version, language=language, accepted_at=now
        )
    mail_enqueue(
        kind=MailKind.WELCOME,
        to_address=user.email,
        language=language,
        recipient=user,
        context={"first_name": user.first_name},
    )
    email_verification_send(user=user)
    customer_registered.send(sender=User, customer=user, answers=answers or {})
    return user


def email_verify(*, user: User, token: str) -> bool:
    """Mark the address verified if the token is valid for it; return whether it was.

    Verifying changes the token's state, so a used link is no longer valid: the
    answer for an already verified account is the same as for a forged link, and
    tells an outsider nothing about which accounts exist.
    """
    if user.email_verified or not check_email_verification_token(user, token):
        return False
    verified = User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(
        email_verified_at=timezone.now()
    )
    if verified:
        email_verified.send(sender=User, customer=user)
    return True


def registration_attempt_notify(*, user: User) -> None:
    """Tell an account's owner that someone tried to register with its address."""
    with translation.override(user.language):
        login_path = reverse("accounts:login")
        reset_path = reverse("accounts:password_reset")
    mail_enqueue(
        kind=MailKind.REGISTRATION_ATTEMPT,
        to_address=user.email,
        language=user.language,
        recipient=user,
        context={
            "first_name": user.first_name,
            "login_url": absolute_url(login_path),
            "reset_url": absolute_url(reset_path),
        },
    )


def registration_submit(
    *,
    first_name: str,
    last_name: str,
    email: str,
    phone_e164: str,
    password: str,
    language: str,
    terms_version: int,
    privacy_version: int,
    current_terms_version: int,
    current_privacy_version: int,
    client_ip: str | None,
    answers: Mapping[str, Any] | None = None,
) -> None:
    """Register a new address, or tell the owner of an existing one; return nothing.

    The caller answers the same either way, so registration cannot be used to learn
    which addresses have accounts. An existing account is left as it was: its owner is
    mailed that someone tried (within the per-address throttle, P14) and nobody is signed
    in. Both ways hash the password once and count one request against the address's
    throttle, so neither takes measurably longer than the other.
    """
    if (terms_version, privacy_version) != (current_terms_version, current_privacy_version):
        raise PolicyVersionOutdated
    email = normalise_email(email)
    may_mail_owner = mail_request_allowed(
        kind=MailKind.REGISTRATION_ATTEMPT, to_address=email, client_ip=client_ip
    )
    owner = User.objects.with_email(email).first()
    if owner is None:
        try:
            with transaction.atomic():
                customer_register(
                    first_name=first_name,
                    last_name=last_name,
                    email=email,
                    phone_e164=phone_e164,
                    password=password,
                    language=language,
                    terms_version=terms_version,
                    privacy_version=privacy_version,
                    current_terms_version=current_terms_version,
                    current_privacy_version=current_privacy_version,
                    answers=answers,
                )
            return
        except IntegrityError:
            # The same address registered a moment ago, by another request.
            owner = User.objects.with_email(email).first()
            if owner is None:
                raise
    # The work a new account's password costs, thrown away: the answer takes as long.
    make_password(password)
    if owner.is_active and may_mail_owner:
        registration_attempt_notify(user=owner)
