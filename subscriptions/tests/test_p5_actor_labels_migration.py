"""Event rows written before the one actor label lose the staff member's name (P5)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from accounts.tests.factories import UserFactory
from core.testing import migrate_to, migrate_to_latest
from privacy.roles import Role
from staff.tests.factories import StaffFactory
from subscriptions.models import SubscriptionEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _newest_schema_afterwards() -> Iterator[None]:
    yield
    migrate_to_latest()


BEFORE = [("subscriptions", "0004_labels")]
AFTER = [("subscriptions", "0005_actor_labels_name_roles")]


def test_p5_a_staff_members_name_in_old_event_rows_becomes_their_role() -> None:
    officer = StaffFactory(role=Role.DATA_PROTECTION_OFFICER, first_name="Arta", last_name="Hoxha")
    customer = UserFactory()
    old = migrate_to(BEFORE)
    Subscriber = old.get_model("subscriptions", "Subscriber")
    Event = old.get_model("subscriptions", "SubscriptionEvent")
    subscriber = Subscriber.objects.create(user_id=customer.pk, email=customer.email)
    common = {"subscriber": subscriber, "action": "unsubscribed", "channel": "phone"}
    Event.objects.create(**common, actor_id=officer.pk, actor_label="Arta Hoxha")
    Event.objects.create(**common, actor_id=None, actor_label="Besa Leka")
    Event.objects.create(**common, actor_id=customer.pk, actor_label="")

    migrate_to(AFTER)

    labels = sorted(SubscriptionEvent.objects.values_list("actor_label", flat=True))
    assert labels == ["", "dpo", "staff"]
