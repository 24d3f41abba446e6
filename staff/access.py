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
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import letter_count, visible_text
from orders.models import Order, OrderStatus
from privacy.audit import access_record
from privacy.models import AccessAction, AccessBasis, AccessEntry
from privacy.registry import Category, qualified, registry
from staff.models import Course, TrainingRecord
from staff.roles import Role, roles_label, staff_roles
from support.models import CaseStatus, SupportCase

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

# Orders a sales agent may pick up without being assigned: not yet handed to the courier.
SALES_QUEUE_STATUSES = (OrderStatus.PLACED, OrderStatus.CONFIRMED)
OPEN_ORDER_STATUSES = (OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY)
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
    """What a page shows: one order, one case, or (neither) the customer as a whole.

    An order page is served by that order, not by another order of the same customer;
    a case page by that case.
    """

    order_id: int | None = None
    case_id: int | None = None


WHOLE_CUSTOMER = Scope()


def live_purposes(staff: Any, subject_id: int, scope: Scope = WHOLE_CUSTOMER) -> list[LivePurpose]:
    """Return the orders and cases of this customer that give this staff member a purpose.

    A purpose is self-made when the staff member opened the case, or assigned the order
    or case to themselves from outside their role's queue: sales taking an order still
    awaiting confirmation, or customer care an unassigned case, serve the customer's
    own purpose; anything else one hands oneself is not.
    """
    roles = staff_roles(staff)
    purposes = []
    order_categories = _categories(roles, AccessBasis.ORDER)
    if scope.case_id is not None:
        order_categories = frozenset()
    if order_categories:
        mine = Q(assigned_to=staff)
        if Role.SALES in roles:
            mine |= Q(assigned_to__isnull=True, status__in=SALES_QUEUE_STATUSES)
        orders = Order.objects.filter(mine, customer_id=subject_id, status__in=OPEN_ORDER_STATUSES)
        if scope.order_id is not None:
            orders = orders.filter(pk=scope.order_id)
        queue = SALES_QUEUE_STATUSES if Role.SALES in roles else ()
        purposes += [
            LivePurpose(
                AccessBasis.ORDER,
                number,
                order_categories,
                self_made=assigned_by_id == staff.pk and assigned_in_status not in queue,
            )
            for number, assigned_by_id, assigned_in_status in orders.order_by(
                "placed_at"
            ).values_list("number", "assigned_by_id", "assigned_in_status")
        ]
    case_categories = _categories(roles, AccessBasis.SUPPORT_CASE)
    if case_categories:
        mine = Q(assigned_to=staff)
        takes_from_queue = Role.CUSTOMER_CARE in roles
        if takes_from_queue:
            mine |= Q(assigned_to__isnull=True)
        cases = SupportCase.objects.filter(mine, customer_id=subject_id, status=CaseStatus.OPEN)
        if scope.case_id is not None:
            cases = cases.filter(pk=scope.case_id)
        elif scope.order_id is not None:
            cases = cases.filter(order_id=scope.order_id)
        purposes += [
            LivePurpose(
                AccessBasis.SUPPORT_CASE,
                f"#{pk}",
                case_categories,
                self_made=opened_by_id == staff.pk
                or (assigned_by_id == staff.pk and not (taken and takes_from_queue)),
            )
            for pk, opened_by_id, assigned_by_id, taken in cases.order_by("opened_at").values_list(
                "pk", "opened_by_id", "assigned_by_id", "taken_from_queue"
            )
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
    from staff.services import break_glass_notify_dpo

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
            actor_label=",".join(sorted(role.value for role in roles)),
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
        actor_label=roles_label(staff_roles(staff)),
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
