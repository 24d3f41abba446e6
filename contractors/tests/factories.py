from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import UserFactory
from contractors.models import (
    Agreement,
    ContractorCompany,
    ContractorFunction,
    ContractorPerson,
    Job,
)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractorCompany

    name = factory.Sequence(lambda n: f"Kompania {n}")
    tax_number = factory.Sequence(lambda n: f"L{n:08d}A")
    office_phone = "+35542200000"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    company = factory.SubFactory(CompanyFactory)
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=265))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractorPerson
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)

    @factory.post_generation
    def functions(obj: ContractorPerson, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            obj.functions.set(extracted)  # type: ignore[arg-type]


def function(slug: str) -> ContractorFunction:
    """Return a seeded function (the data migration made them)."""
    return ContractorFunction.objects.get(slug=slug)


def totp_device(user: object) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    window_start = factory.LazyFunction(lambda: timezone.now().replace(hour=9, minute=0))
    window_end = factory.LazyFunction(lambda: timezone.now().replace(hour=12, minute=0))
