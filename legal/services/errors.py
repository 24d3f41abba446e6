"""Who may work the legal register, and the errors its services raise (P11)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from privacy.roles import Role, staff_roles


class LegalRequestError(ValidationError):
    """A request the service refuses: the message says why, in the officer's language."""


class LegalAccessDenied(PermissionDenied):
    """Not the data-protection officer: the register is theirs alone."""


def is_legal_officer(user: Any) -> bool:
    """Whether this account holds the officer's role (a superuser without it does not)."""
    return Role.DATA_PROTECTION_OFFICER in staff_roles(user)


def check_legal_officer(user: Any) -> None:
    """Raise LegalAccessDenied unless `user` is an active data-protection officer."""
    if not is_legal_officer(user):
        raise LegalAccessDenied(
            _("Vetëm zyrtari i mbrojtjes së të dhënave i sheh dhe i vendos kërkesat ligjore.")
        )
