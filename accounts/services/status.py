"""Whether an account may still be written about: erasure closes it for good."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.sessions import user_sessions_end


class AccountClosed(PermissionDenied):
    """The account's sign-in was switched off (erasure confirmed, or by staff)."""

    def __init__(self) -> None:
        super().__init__(
            _("Kjo llogari është mbyllur. Për pyetje, na shkruani në %(email)s.")
            % {"email": settings.CONTACT_EMAIL}
        )


def account_lock_open(user: User) -> User:
    """Lock the account's row for this transaction and return it, if it is still open.

    Every write about a person takes this lock first: erasure takes it too, so a
    request authenticated just before an erasure either lands before it (and is
    erased with the rest) or finds the account closed.
    """
    locked = User.objects.select_for_update().filter(pk=user.pk, is_active=True).first()
    if locked is None:
        raise AccountClosed
    return locked


def login_disable(*, user_ids: Sequence[int], end_sessions: bool = True) -> None:
    """Stop these people signing in, and (unless told not to) sign them out everywhere now.

    For erasure: retention erases accounts unused for years, whose sessions expired long
    ago, so it skips the walk through every live session.
    """
    User.objects.filter(pk__in=user_ids).update(is_active=False, password=make_password(None))
    if end_sessions:
        user_sessions_end(user_ids=user_ids)
