from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

from accounts.models import User
from core.tokens import SignedToken


def _verification_state(user: User) -> str:
    # Verifying, or changing the address, invalidates every earlier link.
    return f"{user.email}|{user.email_verified_at}"


def email_verification_token() -> SignedToken:
    return SignedToken(
        purpose="email-verification", max_age_seconds=settings.EMAIL_VERIFICATION_TIMEOUT
    )


def make_email_verification_token(user: User) -> str:
    return email_verification_token().make(subject=str(user.pk), state=_verification_state(user))


def check_email_verification_token(user: User, token: str) -> bool:
    return email_verification_token().check(
        subject=str(user.pk), state=_verification_state(user), token=token
    )


def email_change_token_new() -> str:
    """Return a fresh random token for an email-change link; it is mailed, never stored."""
    return secrets.token_urlsafe(32)


def email_change_token_hash(token: str) -> str:
    """Return what is stored for a token, and looked up when the link is used."""
    return hashlib.sha256(token.encode()).hexdigest()


def email_change_password_state(user: User) -> str:
    """Return a keyed hash of the user's password hash: it changes when the password does."""
    return salted_hmac("3vfejzo.email-change", user.password, algorithm="sha256").hexdigest()
