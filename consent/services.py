"""Record cookie decisions (P7): the ledger row is written before the cookie is set."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentDecision, DecisionAction, DecisionChannel
from consent.permissions import ConsentPermission
from consent.state import ConsentState, policy_version_in_force
from privacy.audit import access_record, actor_label
from privacy.crypto import blind_index
from privacy.models import AccessAction, AccessBasis
from privacy.registry import qualified
from privacy.roles import Role, staff_roles

USER_AGENT_PURPOSE = "consent.user_agent"
# The ledger's columns, in the order of the CSV the data-protection officer exports.
EXPORT_COLUMNS = (
    "decided_at",
    "consent_id",
    "user_id",
    "action",
    "channel",
    "analytics",
    "personalisation",
    "banner_revision",
    "policy_version",
    "user_agent_hash",
)
# What the access record says the export read: the ledger's personal fields.
EXPORT_PERSONAL_FIELDS = ("consent_id", "user_agent_hash")


class LedgerExportRefused(PermissionDenied):
    """Only the data-protection officer exports the consent ledger (P7)."""


def user_agent_hash(user_agent: str) -> str:
    return blind_index(user_agent[:512], purpose=USER_AGENT_PURPOSE) if user_agent else ""


@transaction.atomic
def consent_decide(
    *,
    previous: ConsentState | None,
    analytics: bool,
    personalisation: bool,
    action: DecisionAction,
    channel: DecisionChannel,
    user: Any | None,
    user_agent: str,
) -> ConsentState:
    """Record a decision in the ledger and return the state the visitor's cookie keeps.

    The consent id stays the same across a browser's decisions, so the ledger shows
    the history of one browser's choice.
    """
    state = ConsentState(
        consent_id=previous.consent_id if previous else uuid.uuid4().hex,
        analytics=analytics,
        personalisation=personalisation,
        revision=settings.CONSENT_BANNER_REVISION,
        # The proof names the version in force now, not a cached one.
        policy_version=policy_version_in_force(),
        decided_at=timezone.now(),
        google=bool(settings.GA_MEASUREMENT_ID),
    )
    ConsentDecision.objects.create(
        consent_id=state.consent_id,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        channel=channel,
        analytics=analytics,
        personalisation=personalisation,
        banner_revision=state.revision,
        policy_version=state.policy_version,
        google_analytics=state.google,
        user_agent_hash=user_agent_hash(user_agent),
        decided_at=state.decided_at,
    )
    return state


def consent_link_account(*, state: ConsentState, user: Any, user_agent: str) -> ConsentDecision:
    """Record that the browser's current choice now belongs to this account too."""
    return ConsentDecision.objects.create(
        consent_id=state.consent_id,
        user=user,
        action=DecisionAction.LINK_ACCOUNT,
        channel=DecisionChannel.SIGN_IN,
        analytics=state.analytics,
        personalisation=state.personalisation,
        banner_revision=state.revision,
        policy_version=state.policy_version,
        google_analytics=state.google,
        user_agent_hash=user_agent_hash(user_agent),
        decided_at=timezone.now(),
    )


def check_ledger_export(actor: Any) -> None:
    """Refuse the ledger's export to anyone but an active data-protection officer.

    The permission alone is not enough: a superuser holds every permission, and an
    administrator could be handed this one directly. The officer's role is what the
    export needs, as for executing an erasure (rights.admin.display.may).
    """
    if not (
        actor.has_perm(ConsentPermission.EXPORT)
        and Role.DATA_PROTECTION_OFFICER in staff_roles(actor)
    ):
        raise LedgerExportRefused(
            _("Regjistrin e pëlqimeve e eksporton vetëm zyrtari i mbrojtjes së të dhënave.")
        )


def may_export_ledger(actor: Any) -> bool:
    try:
        check_ledger_export(actor)
    except LedgerExportRefused:
        return False
    return True


@transaction.atomic
def consent_ledger_export(
    *, decisions: QuerySet[ConsentDecision], actor: Any, ip_address: str | None
) -> list[tuple[Any, ...]]:
    """Return the decisions' rows for the officer's CSV and record the export.

    The access entry names the officer's roles, as every staff entry does.
    """
    check_ledger_export(actor)
    rows = list(decisions.order_by("decided_at", "id").values_list(*EXPORT_COLUMNS))
    access_record(
        actor=actor,
        actor_label=actor_label(actor),
        subject_id=None,
        action=AccessAction.EXPORT,
        fields=[qualified(ConsentDecision, name) for name in EXPORT_PERSONAL_FIELDS],
        basis=AccessBasis.EXPORT,
        reference=f"consent ledger: {len(rows)} rows",
        ip_address=ip_address,
    )
    return rows
