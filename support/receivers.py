"""What support does when the apps below it, or the email provider, report something (P9).

- accounts proves an account's address (a verification, a confirmed change of address,
  one it leaves after proving it) or a customer signs in with a verified address: the
  cases visitors opened under that address join the account;
- a mail reaches info@3vfejzo.al through the provider's inbound webhook
  (support.webhooks): it becomes a case or joins the case it answers.
- a case's photo row is deleted (erasure, retention): its file goes once that commits.

Connected at start-up, when core finds every app's receivers module.
"""

from __future__ import annotations

import logging
from typing import Any

from anymail.signals import AnymailInboundEvent, inbound
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete
from django.dispatch import receiver

from accounts.models import User
from accounts.signals import email_changed, email_verified, verified_email_leaving
from support.inbound import inbound_mail_read
from support.models import CaseAttachment
from support.services import (
    cases_join_account,
    cases_join_verified,
    inbound_mail_receive,
    photo_files_delete_on_commit,
)
from support.webhooks import InboundMailView

logger = logging.getLogger(__name__)


@receiver(user_logged_in, dispatch_uid="support.cases_join_on_sign_in")
def cases_join_on_sign_in(sender: Any, user: Any, **kwargs: Any) -> None:
    """A customer signed in: their verified address's visitor cases become theirs."""
    if isinstance(user, User):
        cases_join_verified(user=user)


@receiver(email_verified, dispatch_uid="support.cases_join_on_verification")
def cases_join_on_verification(sender: Any, *, customer: User, **kwargs: Any) -> None:
    """The account has just proven its address: its visitor cases become its own."""
    cases_join_account(user=customer, address=customer.email)


@receiver(email_changed, dispatch_uid="support.cases_join_on_new_address")
def cases_join_on_new_address(sender: Any, *, customer: User, **kwargs: Any) -> None:
    """The account confirmed a new address from its mailbox: that address's cases join."""
    cases_join_account(user=customer, address=customer.email)


@receiver(verified_email_leaving, dispatch_uid="support.cases_join_on_leaving")
def cases_join_on_leaving(sender: Any, *, customer: User, **kwargs: Any) -> None:
    """The account leaves an address it proved: what waits under it joins before it goes."""
    cases_join_account(user=customer, address=customer.email)


@receiver(inbound, sender=InboundMailView, dispatch_uid="support.inbound_mail")
def inbound_mail(sender: Any, event: AnymailInboundEvent, esp_name: str, **kwargs: Any) -> None:
    """A signed mail to info@ arrived: open its case or add it to the one it answers."""
    mail = inbound_mail_read(event.message)
    if mail is None:
        logger.info("inbound mail without an address to answer: not kept")
        return
    result = inbound_mail_receive(mail=mail, actor=None)
    logger.info("inbound mail %s", result.outcome.value)


@receiver(post_delete, sender=CaseAttachment, dispatch_uid="support.photo_file_delete")
def photo_file_delete(sender: Any, instance: CaseAttachment, **kwargs: Any) -> None:
    """Delete a photo's file once the deletion of its row (erasure, retention) commits."""
    photo_files_delete_on_commit([instance.photo])
