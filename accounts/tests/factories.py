from __future__ import annotations

import factory
from django.utils import timezone

from accounts.models import Address, User
from accounts.municipalities import Municipality


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"klient{n}@example.al")
    first_name = factory.Iterator(["Arta", "Besnik", "Drita", "Erion", "Klajdi", "Mirela"])
    last_name = factory.Iterator(["Hoxha", "Krasniqi", "Shehu", "Dervishi", "Leka", "Gjoka"])
    phone = factory.Sequence(lambda n: f"+35569{n % 10_000_000:07d}")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", "fjalekalim-i-sigurt-42")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class UnverifiedUserFactory(UserFactory):
    email_verified_at = None


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    municipality = Municipality.TIRANE
    street = factory.Sequence(lambda n: f"Rr. Myslym Shyri, Nr. {n + 1}")
    courier_notes = "Kati 3, zilja e dytë"
    is_default = True
