from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.tests.factories import UserFactory
from privacy.roles import Role
from staff.models import Course, TrainingRecord
from staff.services import roles_sync


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    course = Course.PRIVACY_AND_SECURITY
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=335))


class StaffFactory(UserFactory):
    """A staff member with one role and, unless told otherwise, valid privacy training."""

    is_staff = True
    email = factory.Sequence(lambda n: f"punonjes{n}@3vfejzo.al")

    @factory.post_generation
    def role(obj, create: bool, extracted: Role | None, **kwargs: object) -> None:  # type: ignore[no-untyped-def]
        if create and extracted is not None:
            if not Group.objects.filter(name=extracted.value).exists():
                roles_sync()
            obj.groups.add(Group.objects.get(name=extracted.value))

    @factory.post_generation
    def trained(obj, create: bool, extracted: bool | None, **kwargs: object) -> None:  # type: ignore[no-untyped-def]
        if create and extracted is not False:
            TrainingFactory(staff=obj)
