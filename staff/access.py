"""Purpose-bound staff access to personal data (P5, P14).

Staff see personal data masked. A field is revealed only when all of these hold:
the staff member's privacy-and-security training is valid, they have a live purpose
for that customer (an order or support case assigned to them or waiting in their
role's queue) or a break-glass reason they typed, and the role matrix lets their
role see the field's category for that purpose. Every reveal is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.clauses import enforces
from core.text import letter_count, visible_text
from privacy.audit import access_record, actor_label
from privacy.models import AccessAction, AccessBasis, AccessEntry
from privacy.purposes import purpose_sources
from privacy.registry import Category, qualified, registry
from privacy.roles import Role, roles_label, staff_roles
from staff.models import Course, TrainingRecord
from staff.services import break_glass_notify_dpo

ALL_CATEGORIES = frozenset(Category)
CUSTOMER_DATA = frozenset({Category.IDENTITY, Category.CONTACT, Category.ADDRESS, Category.ORDER})

# Which categories of a customer's data each role may see, for each kind of purpose.
# A role or purpose missing here sees nothing. Rendered in docs/role-matrix.md.
ROLE_MATRIX: dict[Role, dict[AccessBasis, frozenset[Category]]] = {
    Role.SALES: {
        AccessBasis.ORDER: CUSTOMER_DATA,
        AccessBasis.BREAK_GLASS: CUSTOMER_DATA,
    },
    Role.CUSTOMER_CARE: {
        AccessBasis.SUPPORT_CASE: frozenset(
            {Category.IDENTITY, Category.CONTACT, Category.ORDER, Category.SUPPORT}
        ),
        AccessBasis.ORDER: frozenset({Category.IDENTITY, Category.CONTACT, Category.ORDER}),
        AccessBasis.BREAK_GLASS: frozenset(
            {Category.IDENTITY, Category.CONTACT, Category.ORDER, Category.SUPPORT}
        ),
    },
    # Marketing works with counts and the catalogue, never with a customer's contact data.
    Role.MARKETING: {},
    Role.DATA_PROTECTION_OFFICER: {
        AccessBasis.SUPPORT_CASE: frozenset(
            {Category.IDENTITY, Category.CONTACT, Category.SUPPORT}
        ),
        AccessBasis.BREAK_GLASS: ALL_CATEGORIES,
    },
    Role.ADMINISTRATOR: {
        AccessBasis.BREAK_GLASS: ALL_CATEGORIES,
    },
}

# Which records each role takes from their queue without being assigned: sales the
# orders waiting there, customer care the cases (privacy.purposes says what waits).
ROLE_QUEUES: dict[Role, frozenset[AccessBasis]] = {
    Role.SALES: frozenset({AccessBasis.ORDER}),
    Role.CUSTOMER_CARE: frozenset({AccessBasis.SUPPORT_CASE}),
}
BREAK_GLASS_SESSION_KEY = "privacy_break_glass"
OWN_PURPOSE_SESSION_KEY = "privacy_own_purpose"
# Letters, counted after removing what does not show (core.text).
REASON_MIN_LETTERS = 15


class MaskReason:
    NO_TRAINING = _("Trajnimi juaj për privatësinë dhe sigurinë nuk është i vlefshëm.")
    NO_PURPOSE = _("Nuk keni një porosi ose rast të këtij klienti në ngarkim ose në radhën tuaj.")
    ROLE = _("Roli juaj nuk i sheh këto të dhëna.")
    OWN_PURPOSE = _(
        "Qëllimi që keni për këtë klient e keni krijuar ose marrë në ngarkim vetë: "
        "shkruani arsyen për t'i hapur të dhënat."
    )


class BreakGlassRefused(PermissionDenied):
    """The staff member's role may not break the glass, or the reason is too thin."""


class OwnPurposeRefused(PermissionDenied):
    """The purpose is not live or not one the staff member made, or the reason is too thin."""


@dataclass(frozen=True)
class LivePurpose:
    basis: AccessBasis
    reference: str
    categories: frozenset[Category]
    reason: str = ""
    # Created or assigned by the very staff member it serves: it opens the data only
    # on a typed reason, recorded and shown to the customer and the officer (P5).
    self_made: bool = False


@dataclass(frozen=True)
class AccessDecision:
    """What one staff member may see of one customer's data, right now, and why."""

    subject_id: int
    purpose: LivePurpose | None
    mask_reason: Any = ""
    roles: frozenset[Role] = field(default_factory=frozenset)
    # Purposes the staff member made for themselves, waiting for a typed reason.
    own_purposes: tuple[LivePurpose, ...] = ()

    def reveals(self, category: Category) -> bool:
        return self.purpose is not None and category in self.purpose.categories

    @property
    def may_break_glass(self) -> bool:
        if self.mask_reason == MaskReason.NO_TRAINING:
            return False
        if self.purpose is not None and self.purpose.basis in {
            AccessBasis.BREAK_GLASS,
            AccessBasis.SELF_SERVICE,
        }:
            return False
        return any(AccessBasis.BREAK_GLASS in ROLE_MATRIX[role] for role in self.roles)


@enforces("P14", "staff without valid privacy training see everything masked")
def training_valid(staff: Any, *, on: date | None = None) -> bool:
    day = on or timezone.localdate()
    return TrainingRecord.objects.filter(
        staff=staff,
        course=Course.PRIVACY_AND_SECURITY,
        completed_on__lte=day,
        valid_until__gte=day,
    ).exists()


def _categories(roles: Iterable[Role], basis: AccessBasis) -> frozenset[Category]:
    allowed: frozenset[Category] = frozenset()
    for role in roles:
        allowed |= ROLE_MATRIX[role].get(basis, frozenset())
    return allowed


@dataclass(frozen=True)
class Scope:
    """What a page shows: one record (an order, a case) or, unnamed, the whole customer.

    A record's page is served by that record and by records that belong to it (a case
    about that order), not by another record of the same customer.
    """

    label: str = ""
    pk: int | None = None

    @classmethod
    def of(cls, record: Model) -> Scope:
        """Return the scope of the page that shows this record."""
        return cls(record._meta.label_lower, record.pk)


WHOLE_CUSTOMER = Scope()


def live_purposes(staff: Any, subject_id: int, scope: Scope = WHOLE_CUSTOMER) -> list[LivePurpose]:
    """Return the records of this customer that give this staff member a purpose.

    Each app registers the records that give one (privacy.purposes), and says when the
    holder made the purpose themselves: a purpose taken from one's role's queue serves
    the customer's own purpose; anything else one hands oneself does not.
    """
    roles = staff_roles(staff)
    purposes = []
    for source in purpose_sources:
        categories = _categories(roles, source.basis)
        if not categories:
            continue
        records = source.model._default_manager.filter(
            source.open, **{source.customer_field: subject_id}
        )
        if scope.label:
            key = source.serves.get(scope.label)
            if key is None:
                continue
            records = records.filter(**{key: scope.pk})
        from_queue = any(source.basis in ROLE_QUEUES.get(role, ()) for role in roles)
        mine = Q(**{source.assignee_field: staff})
        if from_queue:
            mine |= source.queue
        purposes += [
            LivePurpose(
                source.basis,
                source.reference(row),
                categories,
                self_made=source.self_made(row, staff.pk, from_queue),
            )
            for row in records.filter(mine).order_by(source.order_by).values(*source.columns)
        ]
    return purposes


def _own_purpose_grant(session: Any, subject_id: int) -> tuple[str, str] | None:
    grants = session.get(OWN_PURPOSE_SESSION_KEY, {}) if session is not None else {}
    grant = grants.get(str(subject_id))
    if not grant:
        return None
    return str(grant["basis"]), str(grant["reference"])


def _break_glass_grant(session: Any, subject_id: int) -> str | None:
    grants = session.get(BREAK_GLASS_SESSION_KEY, {}) if session is not None else {}
    grant = grants.get(str(subject_id))
    if not grant or grant["until"] < timezone.now().timestamp():
        return None
    return str(grant["entry"])


@enforces("P5", "a field is shown only for a live purpose its role may see, or break-glass")
def access_decision(
    staff: Any, subject_id: int, *, session: Any = None, scope: Scope = WHOLE_CUSTOMER
) -> AccessDecision:
    """Decide what this staff member may see of this customer on a page of this scope, now."""
    roles = staff_roles(staff)
    if staff.pk == subject_id:
        own = LivePurpose(AccessBasis.SELF_SERVICE, "", ALL_CATEGORIES)
        return AccessDecision(subject_id, own, "", roles)
    if not training_valid(staff):
        return AccessDecision(subject_id, None, MaskReason.NO_TRAINING, roles)
    entry = _break_glass_grant(session, subject_id)
    if entry is not None:
        categories = _categories(roles, AccessBasis.BREAK_GLASS)
        if categories:
            purpose = LivePurpose(AccessBasis.BREAK_GLASS, entry, categories)
            return AccessDecision(subject_id, purpose, "", roles)
    purposes = live_purposes(staff, subject_id, scope)
    given = [live for live in purposes if not live.self_made]
    self_made = tuple(live for live in purposes if live.self_made)
    if not given and self_made:
        # A reason typed for one of them in this session opens it while it stays live.
        grant = _own_purpose_grant(session, subject_id)
        opened = [live for live in self_made if grant == (live.basis.value, live.reference)]
        if opened:
            return AccessDecision(subject_id, opened[0], "", roles)
        return AccessDecision(subject_id, None, MaskReason.OWN_PURPOSE, roles, self_made)
    if not given:
        reason = (
            MaskReason.NO_PURPOSE
            if roles and any(ROLE_MATRIX[r] for r in roles)
            else MaskReason.ROLE
        )
        return AccessDecision(subject_id, None, reason, roles)
    # The purpose that shows the most; the earliest of equals (purposes come oldest first).
    widest = max(given, key=lambda purpose: len(purpose.categories))
    return AccessDecision(subject_id, widest, "", roles)


def reveal_record(
    *,
    staff: Any,
    decision: AccessDecision,
    fields: Iterable[str],
    ip_address: str | None,
) -> AccessEntry | None:
    """Record that these fields were shown in full; a no-op for one's own data."""
    purpose = decision.purpose
    names = list(fields)
    if purpose is None or not names or purpose.basis == AccessBasis.SELF_SERVICE:
        return None
    return access_record(
        actor=staff,
        actor_label=roles_label(decision.roles),
        subject_id=decision.subject_id,
        action=AccessAction.REVEAL,
        fields=names,
        basis=purpose.basis,
        reference=purpose.reference,
        ip_address=ip_address,
    )


def break_glass_open(
    *,
    staff: Any,
    subject_id: int,
    reason: str,
    session: Any,
    ip_address: str | None,
) -> AccessEntry:
    """Open a customer's data for a short while on a typed reason; tell the DPO (P5)."""
    reason = visible_text(reason)
    roles = staff_roles(staff)
    categories = _categories(roles, AccessBasis.BREAK_GLASS)
    if not categories or not training_valid(staff):
        raise BreakGlassRefused(_("Roli juaj nuk mund t'i hapë të dhënat pa një qëllim."))
    if letter_count(reason) < REASON_MIN_LETTERS:
        raise BreakGlassRefused(_("Shkruani arsyen me fjalë, të paktën 15 shkronja."))
    fields = [
        qualified(declaration.model, name)
        for declaration in registry
        if declaration.subject_path is not None
        for name, entry in declaration.fields.items()
        if entry.category in categories
    ]
    with transaction.atomic():
        entry = access_record(
            actor=staff,
            actor_label=actor_label(staff),
            subject_id=subject_id,
            action=AccessAction.BREAK_GLASS,
            fields=fields,
            basis=AccessBasis.BREAK_GLASS,
            reference="",
            reason=reason,
            ip_address=ip_address,
        )
        break_glass_notify_dpo(entry=entry)
    grants = dict(session.get(BREAK_GLASS_SESSION_KEY, {}))
    until = timezone.now() + timedelta(minutes=settings.FEJZO_BREAK_GLASS_MINUTES)
    grants[str(subject_id)] = {"until": until.timestamp(), "entry": entry.seq}
    session[BREAK_GLASS_SESSION_KEY] = grants
    return entry


def own_purpose_open(
    *,
    staff: Any,
    subject_id: int,
    basis: AccessBasis,
    reference: str,
    reason: str,
    session: Any,
    ip_address: str | None,
    scope: Scope = WHOLE_CUSTOMER,
) -> AccessEntry:
    """Open a customer's data through a purpose the staff member made, on a typed reason.

    The entry carries the reason; the customer reads it on their access page and the
    officers in the daily digest of self-made purposes (P5). It lasts, in this session,
    as long as the purpose stays live.
    """
    reason = visible_text(reason)
    if not training_valid(staff):
        raise OwnPurposeRefused(MaskReason.NO_TRAINING)
    purpose = next(
        (
            purpose
            for purpose in live_purposes(staff, subject_id, scope)
            if purpose.self_made and (purpose.basis, purpose.reference) == (basis, reference)
        ),
        None,
    )
    if purpose is None:
        raise OwnPurposeRefused(_("Ky qëllim nuk është më i gjallë për ju."))
    if letter_count(reason) < REASON_MIN_LETTERS:
        raise OwnPurposeRefused(_("Shkruani arsyen me fjalë, të paktën 15 shkronja."))
    fields = [
        qualified(declaration.model, name)
        for declaration in registry
        if declaration.subject_path is not None
        for name, entry in declaration.fields.items()
        if entry.category in purpose.categories
    ]
    entry = access_record(
        actor=staff,
        actor_label=actor_label(staff),
        subject_id=subject_id,
        action=AccessAction.OWN_PURPOSE,
        fields=fields,
        basis=purpose.basis,
        reference=purpose.reference,
        reason=reason,
        ip_address=ip_address,
    )
    grants = dict(session.get(OWN_PURPOSE_SESSION_KEY, {}))
    grants[str(subject_id)] = {
        "basis": purpose.basis.value,
        "reference": purpose.reference,
        "entry": entry.seq,
    }
    session[OWN_PURPOSE_SESSION_KEY] = grants
    return entry
