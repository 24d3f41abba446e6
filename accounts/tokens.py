from __future__ import annotations

from django.conf import settings

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
