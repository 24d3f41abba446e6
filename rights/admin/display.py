"""What the erasure pages show instead of people: numbers, pseudonyms and role labels (P5)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from privacy.models import ActorKind
from privacy.roles import Role, staff_roles
from rights.erasure.engine import Outcome
from rights.models import (
    OPEN_ERASURE_STATES,
    ErasureRequest,
    ErasureState,
    ErasureStep,
    RequestChannel,
)
from rights.permissions import ErasurePermission

# The officer's queue: what still waits for them. A held request was executed, but its
# holds come up for review; completed and lapsed requests are closed.
QUEUE_STATES = (*OPEN_ERASURE_STATES, ErasureState.HELD)
CLOSED_STATES = (ErasureState.COMPLETED, ErasureState.LAPSED)

# Said before execution: what will happen, in the future tense.
PLAN_LABELS = {
    Outcome.ERASED: _("Fshihet"),
    Outcome.ANONYMISED: _("Anonimizohet"),
    Outcome.KEPT: _("Mbahet për afatin ligjor"),
    Outcome.HELD: _("Mbahet nën bllokim ligjor"),
}

# The query parameter that names the account on the registration page, as the opt-out tool.
ACCOUNT_PARAMETER = "klienti"
# The query parameter that names the request a hold was lifted from, to go back to it.
REQUEST_PARAMETER = "kerkesa"


def subject_label(subject_id: int, pseudonym: str | None) -> str:
    """Return "Llogaria #id", or the pseudonym once the person was erased."""
    if pseudonym:
        return gettext("Personi i fshirë %(pseudonym)s") % {"pseudonym": pseudonym}
    return gettext("Llogaria #%(id)s") % {"id": subject_id}


def days_left(erasure_request: ErasureRequest) -> int | None:
    """Return the days until the due date for an open request (negative once late)."""
    if not erasure_request.is_open:
        return None
    due_on = timezone.localtime(erasure_request.due_at).date()
    return (due_on - timezone.localdate()).days


def is_overdue(erasure_request: ErasureRequest, *, now: datetime | None = None) -> bool:
    return erasure_request.is_open and erasure_request.due_at < (now or timezone.now())


def day_text(moment: datetime | None) -> str:
    """Return a moment's day in Tirana, as the shop writes dates: 28.02.2026."""
    return timezone.localtime(moment).strftime("%d.%m.%Y") if moment else "—"


def moment_text(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M") if moment else "—"


def error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def staff_role_labels(staff_ids: Iterable[int]) -> dict[int, str]:
    """Return each staff member's roles as labels, read without touching their names."""
    ids = {pk for pk in staff_ids if pk}
    groups: dict[int, set[str]] = {pk: set() for pk in ids}
    memberships = User.groups.through.objects.filter(user_id__in=ids).values_list(
        "user_id", "group__name"
    )
    for user_id, name in memberships:
        groups[user_id].add(name)
    superusers = set(
        User.objects.filter(pk__in=ids, is_superuser=True).values_list("pk", flat=True)
    )
    labels = {}
    for pk in ids:
        roles = [role for role in Role if role.value in groups[pk]]
        if not roles and pk in superusers:
            roles = [Role.ADMINISTRATOR]
        labels[pk] = ", ".join(str(role.label) for role in roles) or str(ActorKind.STAFF.label)
    return labels


def may(user: Any, permission: ErasurePermission) -> bool:
    """Whether this staff member may take a step that changes a request or a hold.

    A superuser holds every permission; erasing and holding data is the officer's
    work, so a superuser takes these steps only with the officer's role as well.
    """
    if not user.has_perm(permission):
        return False
    if permission in (
        ErasurePermission.VIEW,
        ErasurePermission.VIEW_HOLDS,
        ErasurePermission.REGISTER,
    ):
        return True
    return not user.is_superuser or Role.DATA_PROTECTION_OFFICER in staff_roles(user)


def staff_id_of(actor_label: str) -> int | None:
    """Return the staff id an older event's label carries ("staff:12:dpo"), if any."""
    prefix, _sep, rest = actor_label.partition(":")
    pk = rest.partition(":")[0]
    return int(pk) if prefix == ActorKind.STAFF and pk.isdigit() else None


def _role_names(values: str) -> str:
    return ", ".join(str(Role(value).label) for value in values.split(",") if value in Role.values)


def actor_text(actor_label: str, roles: dict[int, str], *, actor_id: int | None = None) -> str:
    """Return who took a step as a reader sees it: a role, the customer or the system.

    Events name staff by the roles they had then (privacy.audit.actor_label); events
    written before that carry "staff:<id>:<roles>". A staff member who had no role is
    named by their roles now (`roles`, by account), or as staff.
    """
    legacy_id = staff_id_of(actor_label)
    if legacy_id is not None:
        recorded = actor_label.split(":")[2:]
        named = _role_names(recorded[0]) if recorded else ""
        return named or roles.get(legacy_id, str(ActorKind.STAFF.label))
    if actor_label == ActorKind.CUSTOMER:
        return str(ActorKind.CUSTOMER.label)
    if actor_label == ActorKind.SYSTEM:
        return str(ActorKind.SYSTEM.label)
    named = _role_names(actor_label)
    if named:
        return named
    if actor_id is not None:
        return roles.get(actor_id, str(ActorKind.STAFF.label))
    return str(ActorKind.SYSTEM.label)


def event_detail(step: str, detail: str) -> str:
    """Return an event's detail for reading: the channel's name rather than its code."""
    if step == ErasureStep.RECEIVED and detail in RequestChannel.values:
        return str(RequestChannel(detail).label)
    return detail


def refuse_outsiders(urls: list[Any]) -> list[Any]:
    """Refuse signed-in people who are not active staff with a 403 on these pages.

    A request or a hold is about one person: a customer who finds such an address is
    refused outright (P12), not shown the back office's sign-in. A visitor who is not
    signed in is sent there, as everywhere in the back office, so the officer who
    follows a reminder's link signs in and lands on the request.
    """
    for pattern in urls:
        pattern.callback = _staff_only(pattern.callback)
    return urls


def _staff_only(view: Any) -> Any:
    from functools import wraps

    from django.core.exceptions import PermissionDenied

    @wraps(view)
    def staff_only(request: Any, *args: Any, **kwargs: Any) -> Any:
        user = request.user
        if user.is_authenticated and not (user.is_active and user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return staff_only
