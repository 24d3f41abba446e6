"""Account writes: a new password, and the mail that tells the account's owner (P14)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.services.registration import absolute_url
from accounts.services.status import account_lock_open
from mail.models import MailKind
from mail.services import mail_enqueue


def password_changed_notify(*, user: User) -> None:
    """Queue the mail telling the account's address that its password changed."""
    with translation.override(user.language):
        reset_path = reverse("accounts:password_reset")
    mail_enqueue(
        kind=MailKind.PASSWORD_CHANGED,
        to_address=user.email,
        language=user.language,
        recipient=user,
        context={
            "first_name": user.first_name,
            "changed_at": timezone.localtime().strftime("%d.%m.%Y %H:%M"),
            "reset_url": absolute_url(reset_path),
        },
    )


@transaction.atomic
def password_change(*, user: User, password: str) -> User:
    """Give the account a new password and mail its address that it changed.

    However the password changes (a reset link, or the account page), the owner hears
    of it at the account's address, so a stranger who got in cannot change it unseen.
    The mail is written in this transaction: no new password, no mail. The account's
    other sessions end by themselves: each carries a hash of the old password.
    """
    locked = account_lock_open(user)
    locked.set_password(password)
    locked.save(update_fields=["password"])
    password_changed_notify(user=locked)
    # The caller's object carries the new hash too, for update_session_auth_hash.
    user.password = locked.password
    return locked
