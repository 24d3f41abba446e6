"""Staff reads for the back office: whose privacy-and-security training runs out (P14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from privacy.roles import Role
from staff.models import Course, TrainingRecord


def staff_trained_until(*, today: date) -> QuerySet[User]:
    """Return the active staff, each with `trained_until`: the last day their training counts.

    The course that unlocks personal data (staff.access.training_valid); None: never
    completed it.
    """
    latest = (
        TrainingRecord.objects.filter(
            staff=OuterRef("pk"), course=Course.PRIVACY_AND_SECURITY, completed_on__lte=today
        )
        .order_by("-valid_until")
        .values("valid_until")[:1]
    )
    return User.objects.filter(is_staff=True, is_active=True).annotate(
        trained_until=Subquery(latest)
    )


@dataclass(frozen=True)
class StaffTraining:
    staff_id: int
    roles: list[Role]
    # None: never completed the course.
    trained_until: date | None


@dataclass(frozen=True)
class TrainingDue:
    # Untrained first, then the soonest to run out.
    staff: list[StaffTraining]
    expiring: int
    lapsed: int


def training_due(*, today: date, days: int, limit: int) -> TrainingDue:
    """Return who must be trained again: lapsed or never trained, and running out within `days`.

    In three queries: the counts, the first `limit` staff, their roles.
    """
    staff = staff_trained_until(today=today)
    lapsed = Q(trained_until__lt=today) | Q(trained_until__isnull=True)
    expiring = Q(trained_until__gte=today, trained_until__lte=today + timedelta(days=days))
    counts = staff.aggregate(
        lapsed=Count("pk", filter=lapsed), expiring=Count("pk", filter=expiring)
    )
    listed = list(
        staff.filter(lapsed | expiring)
        .order_by(F("trained_until").asc(nulls_first=True), "pk")
        # django-stubs does not see the annotation the queryset carries.
        .values_list("pk", "trained_until")[:limit]  # type: ignore[misc]
    )
    groups: dict[int, set[str]] = {pk: set() for pk, _until in listed}
    memberships = User.groups.through.objects.filter(user_id__in=groups).values_list(
        "user_id", "group__name"
    )
    for user_id, name in memberships:
        groups[user_id].add(name)
    return TrainingDue(
        staff=[
            StaffTraining(
                staff_id=pk,
                roles=[role for role in Role if role.value in groups[pk]],
                trained_until=until,
            )
            for pk, until in listed
        ],
        **counts,
    )
