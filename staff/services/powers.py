"""Who an account is: staff status, roles, the active flag, and its password (P5, P14)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.forms import OutboxPasswordResetForm
from mail.models import MailKind
from privacy.audit import access_record, actor_label
from privacy.models import AccessAction, AccessBasis, AccessEntry
from privacy.registry import Category, registry
from privacy.roles import Role
from staff.services.officers import dpo_notify


class AccountPowersRefused(ValueError):
    """A change of an account's roles or powers that the rules do not allow; says why."""


# What makes an account a customer's: the shop holds where they live, what they
# ordered to, or what they told support. Such an account never becomes staff.
CUSTOMER_CATEGORIES = frozenset({Category.ADDRESS, Category.SUPPORT})


@dataclass(frozen=True)
class AccountPowers:
    is_staff: bool
    is_superuser: bool
    is_active: bool
    roles: frozenset[str]

    @classmethod
    def of(cls, account: Any) -> AccountPowers:
        return cls(
            is_staff=account.is_staff,
            is_superuser=account.is_superuser,
            is_active=account.is_active,
            roles=frozenset(account.groups.values_list("name", flat=True)),
        )

    def summary(self) -> str:
        """Return the powers in a few characters for the access record: no personal value."""
        flags = "".join(
            letter
            for letter, on in (
                ("s", self.is_staff),
                ("S", self.is_superuser),
                ("a", self.is_active),
            )
            if on
        )
        return f"{flags or '-'}:{','.join(sorted(self.roles))}"


def holds_customer_data(account: Any) -> bool:
    """Whether the registry finds this account's address, deliveries or support cases."""
    for declaration in registry:
        if not declaration.subject_path:
            continue
        categories = {entry.category for entry in declaration.fields.values()}
        if (
            categories & CUSTOMER_CATEGORIES
            and declaration.model._default_manager.filter(
                **{declaration.subject_path: account.pk}
            ).exists()
        ):
            return True
    return False


def account_powers_check(*, account: Any, powers: AccountPowers, actor: Any) -> None:
    """Raise AccountPowersRefused unless `actor` may give `account` these powers."""
    if not getattr(actor, "is_superuser", False) or not actor.is_active:
        raise AccountPowersRefused(_("Vetëm një administrator i ndryshon rolet e llogarive."))
    if account.pk == actor.pk:
        raise AccountPowersRefused(_("Askush nuk i ndryshon rolet e veta."))
    if (powers.is_superuser or powers.roles) and not powers.is_staff:
        raise AccountPowersRefused(
            _("Rolet dhe lejet e administratorit jepen vetëm bashkë me statusin e stafit.")
        )
    unknown = powers.roles - set(Role.values)
    if unknown:
        raise AccountPowersRefused(_("Këto role nuk ekzistojnë: %(roles)s") % {"roles": unknown})
    if powers.is_staff and not account.is_staff and holds_customer_data(account):
        raise AccountPowersRefused(
            _(
                "Kjo llogari është e një klienti (ka porosi, adresa ose raste mbështetjeje). "
                "Llogaritë e stafit janë të ndara: krijoni një llogari të re për punonjësin."
            )
        )


def account_powers_change(
    *, account: Any, powers: AccountPowers, actor: Any, ip_address: str | None = None
) -> AccessEntry | None:
    """Give an account these staff powers and roles, recorded and told to the officers (P5).

    Only a superuser changes them, never their own, and a customer's account never
    becomes staff. Returns the access-record entry, or None when nothing changed.
    """
    with transaction.atomic():
        account = type(account).objects.select_for_update().get(pk=account.pk)
        before = AccountPowers.of(account)
        if before == powers:
            return None
        account_powers_check(account=account, powers=powers, actor=actor)
        account.is_staff = powers.is_staff
        account.is_superuser = powers.is_superuser
        account.is_active = powers.is_active
        account.save(update_fields=["is_staff", "is_superuser", "is_active"])
        account.groups.set(Group.objects.filter(name__in=powers.roles))
        account.user_permissions.clear()
        changed = [
            name
            for name in ("is_staff", "is_superuser", "is_active")
            if getattr(before, name) != getattr(powers, name)
        ] + (["groups"] if before.roles != powers.roles else [])
        entry = access_record(
            actor=actor,
            actor_label=actor_label(actor),
            subject_id=account.pk,
            action=AccessAction.ACCOUNT_POWERS,
            fields=[f"accounts.User.{name}" for name in changed],
            basis=AccessBasis.ACCOUNT_ADMINISTRATION,
            # Before and after, in role codes: no personal value, and not cut to fit.
            reason=f"{before.summary()}>{powers.summary()}",
            ip_address=ip_address,
        )
        path = reverse("admin:privacy_accessentry_change", args=[entry.pk])
        dpo_notify(
            kind=MailKind.ACCOUNT_POWERS_CHANGED,
            context={
                "entry": entry,
                "before": _powers_words(before),
                "after": _powers_words(powers),
                "entry_url": f"{settings.SITE_URL}{path}",
            },
        )
    return entry


def account_password_reset_send(
    *, account: Any, actor: Any, ip_address: str | None = None
) -> AccessEntry:
    """Mail a password-reset link to the account's own address; staff never set a password.

    A password set by someone else would let them sign in as the account's owner and
    see everything, with no purpose and no record (P5, P14).
    """
    if not getattr(actor, "is_superuser", False) or account.pk == actor.pk:
        raise AccountPowersRefused(_("Vetëm një administrator dërgon lidhje rivendosjeje."))
    if not account.is_active or not account.has_usable_password():
        raise AccountPowersRefused(
            _("Kjo llogari nuk merr lidhje rivendosjeje: është e çaktivizuar ose pa fjalëkalim.")
        )
    form = OutboxPasswordResetForm({"email": account.email})
    with transaction.atomic():
        entry = access_record(
            actor=actor,
            actor_label=actor_label(actor),
            subject_id=account.pk,
            action=AccessAction.ACCOUNT_POWERS,
            fields=["accounts.User.email"],
            basis=AccessBasis.ACCOUNT_ADMINISTRATION,
            reference="password_reset_link",
            ip_address=ip_address,
        )
        if form.is_valid():
            # The link is built from SITE_URL (OutboxPasswordResetForm.send_mail).
            form.save(domain_override=urlsplit(settings.SITE_URL).netloc)
    return entry


def _powers_words(powers: AccountPowers) -> list[Any]:
    """Return the powers in words, translated when the mail is rendered in its language."""
    words: list[Any] = []
    if powers.is_superuser:
        words.append(_("administrator me të gjitha lejet"))
    if powers.is_staff:
        words.append(_("staf"))
    words += [Role(name).label for name in sorted(powers.roles) if name in Role.values]
    if not powers.is_active:
        words.append(_("e çaktivizuar"))
    return words or [_("klient")]
