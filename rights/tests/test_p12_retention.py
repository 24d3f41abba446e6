"""Retention that runs itself (P12): nothing kept forever, inactive accounts warned then erased."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import AddressFactory, UserFactory
from cart.models import Cart
from catalog.tests.factories import ProductFactory
from mail.models import MailKind, OutboxMessage, OutboxStatus
from orders.models import Order, OrderStatus
from orders.services import order_change_status
from orders.tests.factories import place_order
from privacy.registry import Retention
from rights.models import ErasedSubject, InactivityWarning
from rights.retention.services import SCHEDULES, retention_apply, retention_kinds_in_use

pytestmark = pytest.mark.django_db


def test_p12_every_retention_kind_the_registry_uses_has_a_schedule() -> None:
    for kind in retention_kinds_in_use():
        assert kind in SCHEDULES, f"{kind} is declared but nothing ever ends it"
    assert set(SCHEDULES) == set(Retention)


def _long_ago(user: User, *, years: int = 4) -> User:
    User.objects.filter(pk=user.pk).update(
        last_login=timezone.now() - timedelta(days=365 * years),
        date_joined=timezone.now() - timedelta(days=365 * years + 10),
    )
    return User.objects.get(pk=user.pk)


def test_p12_an_inactive_account_is_warned_a_month_before_and_erased_after(customer: User) -> None:
    AddressFactory(user=customer)
    _long_ago(customer)
    active = UserFactory(last_login=timezone.now())

    retention_apply()

    warning = OutboxMessage.objects.get(kind=MailKind.INACTIVITY_WARNING)
    assert warning.to_address == customer.email
    assert not ErasedSubject.objects.exists()
    assert not OutboxMessage.objects.filter(recipient=active).exists()

    retention_apply(now=timezone.now() + timedelta(days=31))

    assert ErasedSubject.objects.filter(user=customer).exists()
    erased = User.objects.get(pk=customer.pk)
    assert not erased.is_active and not erased.addresses.exists()
    assert User.objects.get(pk=active.pk).is_active


def test_p12_signing_in_after_the_warning_keeps_the_account(customer: User) -> None:
    _long_ago(customer)
    retention_apply()
    assert InactivityWarning.objects.filter(user=customer).exists()
    User.objects.filter(pk=customer.pk).update(last_login=timezone.now())

    retention_apply(now=timezone.now() + timedelta(days=31))

    assert not ErasedSubject.objects.exists()
    assert User.objects.get(pk=customer.pk).first_name == customer.first_name


def test_p12_dry_run_counts_and_changes_nothing(customer: User) -> None:
    _long_ago(customer)
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--no-progress", stdout=out)
    assert "would be erased" in out.getvalue()
    assert not InactivityWarning.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_p12_old_orders_are_anonymised_and_cancelled_ones_sooner(customer: User) -> None:
    product = ProductFactory(stock=10)
    old = place_order(customer=customer, quantities={product.pk: 1})
    cancelled = place_order(customer=customer, quantities={product.pk: 1})
    recent = place_order(customer=customer, quantities={product.pk: 1})
    order_change_status(order=cancelled, to_status=OrderStatus.CANCELLED, actor=None)
    Order.objects.filter(pk=old.pk).update(placed_at=timezone.now() - timedelta(days=365 * 11))
    Order.objects.filter(pk=cancelled.pk).update(placed_at=timezone.now() - timedelta(days=400))

    retention_apply()

    assert Order.objects.get(pk=old.pk).delivery_street == ""
    assert Order.objects.get(pk=cancelled.pk).delivery_street == ""
    assert Order.objects.get(pk=recent.pk).delivery_street == "Rr. Myslym Shyri 10"
    assert Order.objects.get(pk=old.pk).total == old.total
    assert User.objects.get(pk=customer.pk).is_active
    # Already anonymised rows are not selected again.
    outcomes = {o.schedule: o for o in retention_apply()}
    assert outcomes[Retention.ACCOUNTING_PERIOD].selected == 0


def test_p12_delivered_mail_and_abandoned_carts_end(customer: User) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    from cart.services import cart_set_quantity

    product = ProductFactory(stock=3)
    cart_set_quantity(user=customer, session=SessionStore(), product=product, quantity=1)
    Cart.objects.update(updated_at=timezone.now() - timedelta(days=120))
    place_order(customer=customer, quantities={product.pk: 1})
    OutboxMessage.objects.update(
        status=OutboxStatus.SENT, created_at=timezone.now() - timedelta(days=100)
    )

    retention_apply()

    assert not Cart.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_p12_the_command_prints_a_summary(customer: User) -> None:
    out = StringIO()
    call_command("apply_retention", "--no-progress", stdout=out)
    text = out.getvalue()
    assert "Retention:" in text
    for schedule in SCHEDULES.values():
        assert str(schedule.retention.label) in text


def test_p12_the_retention_table_in_docs_is_generated_from_the_registry() -> None:
    from pathlib import Path

    from django.conf import settings

    from rights.docs import retention_markdown

    committed = (Path(settings.BASE_DIR) / "docs" / "retention.md").read_text()
    assert committed == retention_markdown(), "docs/retention.md is out of date: run privacy_docs"


def test_p12_the_worker_runs_retention_daily_and_queues_the_next_run(customer: User) -> None:
    from django_tasks_db.models import DBTaskResult

    from core.daily import daily_tasks
    from core.testing import run_tasks
    from rights.tasks import privacy_daily

    assert privacy_daily in daily_tasks()
    _long_ago(customer)
    privacy_daily.enqueue()

    run_tasks()

    assert OutboxMessage.objects.filter(kind=MailKind.INACTIVITY_WARNING).exists()
    waiting = DBTaskResult.objects.filter(task_path=privacy_daily.module_path, status="READY")
    assert waiting.count() == 1


def test_p12_a_customer_who_signs_in_during_the_run_is_not_erased(customer: User) -> None:
    from rights.erasure.engine import ErasureCause, erase_people
    from rights.inactivity.services import inactive_accounts

    _long_ago(customer)
    retention_apply()
    later = timezone.now() + timedelta(days=31)
    due = inactive_accounts(now=later)
    assert list(due.values_list("pk", flat=True)) == [customer.pk]
    # The batch was listed; then the customer signs in, before the batch is erased.
    User.objects.filter(pk=customer.pk).update(last_login=timezone.now())

    result = erase_people([customer.pk], cause=ErasureCause.RETENTION, still_due=due)

    assert result.pseudonyms == {}
    assert User.objects.get(pk=customer.pk).is_active
    assert not ErasedSubject.objects.exists()


def test_p12_a_switched_off_account_unused_for_years_is_erased_without_a_warning(
    customer: User,
) -> None:
    _long_ago(customer)
    User.objects.filter(pk=customer.pk).update(is_active=False)

    outcomes = {o.schedule: o for o in retention_apply()}

    assert outcomes[Retention.ACCOUNT_LIFETIME].done == 1
    assert outcomes[Retention.ACCOUNT_LIFETIME].warned == 0
    assert ErasedSubject.objects.filter(user=customer).exists()


def test_p12_two_runs_warn_a_customer_once(customer: User) -> None:
    _long_ago(customer)
    retention_apply()
    retention_apply()
    assert OutboxMessage.objects.filter(kind=MailKind.INACTIVITY_WARNING).count() == 1


def test_p12_dry_run_tells_warnings_from_erasures(customer: User) -> None:
    _long_ago(customer)
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--no-progress", stdout=out)
    assert "0 would be erased, 1 would be warned by mail" in out.getvalue()


def test_p12_one_failing_schedule_leaves_the_others_to_run(customer: User, monkeypatch) -> None:
    from dataclasses import replace

    from rights.retention import services as retention

    def broken(*, now, dry_run):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    schedules = dict(retention.SCHEDULES)
    schedules[Retention.CART] = replace(schedules[Retention.CART], apply=broken)
    monkeypatch.setattr(retention, "SCHEDULES", schedules)
    _long_ago(customer)

    outcomes = {o.schedule: o for o in retention_apply()}

    assert outcomes[Retention.CART].failed
    assert outcomes[Retention.ACCOUNT_LIFETIME].warned == 1
    assert not outcomes[Retention.EXPORT_LINK].failed
