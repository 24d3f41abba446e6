"""Account writes: changing the address an account signs in with (P12)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from accounts.models import EmailChange, User
from accounts.services.registration import absolute_url
from accounts.services.status import account_lock_open
from accounts.sessions import user_sessions_end
from accounts.signals import email_changed, verified_email_leaving
from accounts.tokens import (
    email_change_password_state,
    email_change_token_hash,
    email_change_token_new,
)
from core.email import normalise_email
from mail.models import MailKind
from mail.services import mail_enqueue, outbox_recipient_assign
from privacy.audit import personal_change_record
from privacy.masking import mask_email


class EmailChangeRefused(Exception):
    """An email change that cannot go ahead; the message is for the person who tried."""


class PasswordIncorrect(EmailChangeRefused):
    def __init__(self) -> None:
        super().__init__(
            _("Fjalëkalimi nuk është i saktë. Email-i nuk ndryshoi dhe nuk u dërgua asgjë.")
        )


class EmailUnchanged(EmailChangeRefused):
    def __init__(self) -> None:
        super().__init__(
            _("Kjo është tashmë adresa e llogarisë suaj: nuk ka asgjë për të ndryshuar.")
        )


class EmailChangeLinkInvalid(EmailChangeRefused):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Kjo lidhje nuk vlen: është përdorur tashmë, është zëvendësuar nga një kërkesë "
                "më e re, fjalëkalimi u ndryshua pas kërkesës, ose lidhja nuk është e plotë. "
                "Email-i i llogarisë nuk ndryshoi."
            )
        )


class EmailChangeLinkExpired(EmailChangeRefused):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Lidhja ka skaduar dhe email-i i llogarisë nuk ndryshoi. Hyni në llogari "
                "dhe kërkoni sërish ndryshimin e email-it."
            )
        )


class EmailAddressTaken(EmailChangeRefused):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Kjo adresë është tashmë email-i i një llogarie tjetër te 3VFejzo, ndaj nuk mund "
                "të bëhet email-i i kësaj llogarie. Nëse llogaria tjetër është e juaja, hyni me "
                "këtë adresë ose rivendosni fjalëkalimin e saj."
            )
        )


def email_change_url(*, user: User, token: str) -> str:
    with translation.override(user.language):
        path = reverse("accounts:email_change_confirm", kwargs={"token": token})
    return absolute_url(path)


def _email_change_notice(*, user: User, old_email: str, new_email: str, completed: bool) -> None:
    mail_enqueue(
        kind=MailKind.EMAIL_CHANGE_NOTICE,
        to_address=old_email,
        language=user.language,
        recipient=user,
        context={
            "first_name": user.first_name,
            "new_email_masked": mask_email(new_email),
            "completed": completed,
        },
    )


def email_change_request(*, user: User, new_email: str, password: str) -> EmailChange:
    """Ask the new mailbox to confirm the change, and tell the old one it was asked (P12).

    Nothing about the account changes here: the address changes only when the link
    mailed to the new address is used (`email_change_confirm`). The link carries a
    random token of which only a hash is stored; a newer request replaces older ones.

    An address that is already another account's is not refused here, and the answer
    and the mails are the same as for a free one: refusing would tell whoever knows
    this account's password which addresses have accounts. Its mailbox gets the link,
    and using the link refuses the change with a clear message; only whoever reads
    that mailbox learns the address has an account, and it is theirs.

    The old address is told only when it was verified: an address never proven may
    be a stranger's typo, and the notice guards nothing there.
    """
    if not user.check_password(password):
        raise PasswordIncorrect
    new_email = normalise_email(new_email)
    if new_email == normalise_email(user.email):
        raise EmailUnchanged
    token = email_change_token_new()
    with transaction.atomic():
        # The same lock order as the confirmation: the account first, then its requests.
        locked = account_lock_open(user)
        EmailChange.objects.filter(user=locked).delete()
        change = EmailChange.objects.create(
            user=locked,
            new_email=new_email,
            token_hash=email_change_token_hash(token),
            password_state=email_change_password_state(locked),
        )
        personal_change_record(
            actor=locked, subject_id=locked.pk, model=EmailChange, names=["new_email"]
        )
        mail_enqueue(
            kind=MailKind.EMAIL_CHANGE_CONFIRM,
            to_address=new_email,
            language=locked.language,
            recipient=locked,
            context={
                "confirm_url": email_change_url(user=locked, token=token),
                "valid_days": max(1, settings.EMAIL_CHANGE_TIMEOUT // 86400),
            },
        )
        if locked.email_verified:
            _email_change_notice(
                user=locked, old_email=locked.email, new_email=new_email, completed=False
            )
    return change


def email_change_confirm(
    *, token: str, now: datetime | None = None, keep_session_key: str | None = None
) -> User:
    """Make the confirmed address the account's own; raise EmailChangeRefused if not (P12).

    The token is the authority, not a session: the link works signed out, or signed in
    as anyone. The address is verified from now on, since its mailbox just proved
    it. The old address is told it is done; links mailed to it for a password reset
    or a verification stop working, as both are bound to the address. The change is
    recorded as the account owner's own, who asked it with their password.

    Every other session signed in as the account ends (P14): whoever got in with the
    old address (a shared computer, a stolen session) is signed out. The session named
    by `keep_session_key`, the one confirming, stays if it is the account's own.
    """
    now = now or timezone.now()
    token_hash = email_change_token_hash(token)
    with transaction.atomic():
        found = EmailChange.objects.filter(token_hash=token_hash).only("user_id").first()
        if found is None:
            raise EmailChangeLinkInvalid
        user = User.objects.select_for_update().get(pk=found.user_id)
        change = (
            EmailChange.objects.select_for_update()
            .filter(pk=found.pk, confirmed_at__isnull=True)
            .first()
        )
        if change is None or not user.is_active:
            raise EmailChangeLinkInvalid
        if not constant_time_compare(change.password_state, email_change_password_state(user)):
            raise EmailChangeLinkInvalid
        if change.is_expired(now=now):
            raise EmailChangeLinkExpired
        if User.objects.with_email(change.new_email).exclude(pk=user.pk).exists():
            raise EmailAddressTaken
        old_email, old_verified = user.email, user.email_verified
        if old_verified:
            _unowned_rows_claim(user)
        user.email = normalise_email(change.new_email)
        user.email_verified_at = now
        try:
            with transaction.atomic():
                user.save(update_fields=["email", "email_verified_at"])
        except IntegrityError as exc:
            # Another account took the address between the check and the save.
            raise EmailAddressTaken from exc
        change.confirmed_at = now
        change.save(update_fields=["confirmed_at"])
        EmailChange.objects.filter(user=user).exclude(pk=change.pk).delete()
        personal_change_record(
            actor=user, subject_id=user.pk, model=User, names=["email", "email_index"]
        )
        # What follows the account's address (its marketing subscription) moves with it.
        email_changed.send(sender=User, customer=user)
        if old_verified:
            _email_change_notice(
                user=user, old_email=old_email, new_email=user.email, completed=True
            )
        user_sessions_end(user_ids=[user.pk], keep_session_key=keep_session_key)
    return user


def _unowned_rows_claim(user: User) -> None:
    """Give the account what no account owns under the address it is leaving.

    A footer sign-up and the mail sent to the address (its confirmation) were found by
    the address alone; once the address is gone from the account, they would belong to
    nobody, outside the person's download and erasure. The person proved the address
    theirs (it was verified), so they become the account's: the sign-up through
    `verified_email_leaving`, which subscriptions receives.
    """
    verified_email_leaving.send(sender=User, customer=user)
    outbox_recipient_assign(to_address=user.email, recipient=user)
