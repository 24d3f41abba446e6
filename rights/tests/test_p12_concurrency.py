"""P12 on PostgreSQL: the officer's steps and the customer's lock in one order, the account
first, so two at once wait for each other instead of deadlocking."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conftest import TEST_PASSWORD
from mail.models import MailKind, OutboxMessage
from privacy.roles import Role
from rights.models import HoldKind, RequestChannel
from staff.tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _pg_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent transactions are tested on PostgreSQL (CI runs it).")


def _verified(person):
    from rights.requests.services import erasure_request_by_customer, erasure_request_confirm

    erasure_request_by_customer(user=person, password=TEST_PASSWORD)
    mail = OutboxMessage.objects.filter(kind=MailKind.ERASURE_CONFIRM).latest("created_at")
    return erasure_request_confirm(
        token=re.search(r"/fshirja/konfirmo/([\w-]+)/", mail.body_text).group(1)
    )


def _run(first, second):  # type: ignore[no-untyped-def]
    results: list[object] = []

    def wrap(call):  # type: ignore[no-untyped-def]
        def run() -> None:
            try:
                results.append(call())
            except Exception as error:  # noqa: BLE001
                results.append(error)
            finally:
                connections.close_all()

        return run

    threads = [threading.Thread(target=wrap(first)), threading.Thread(target=wrap(second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_p12_lifting_a_hold_while_the_request_is_executed_waits_its_turn(monkeypatch) -> None:
    from rights.holds import services as holds
    from rights.holds.services import legal_hold_lift, legal_hold_place
    from rights.requests import services as erasure_requests
    from rights.requests.services import erasure_request_execute

    person = UserFactory()
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    request = _verified(person)
    hold = legal_hold_place(
        subject=person,
        kind=HoldKind.DISPUTE,
        reason="Mosmarrëveshje për faturën",
        review_on=timezone.localdate() + timedelta(days=10),
        actor=dpo,
    )
    lift_locked, exec_locked = threading.Event(), threading.Event()
    requests_of, erase = holds._requests_of, erasure_requests.erase_people

    def slow_requests_of(user):  # type: ignore[no-untyped-def]
        lift_locked.set()  # the hold and the account are locked now
        exec_locked.wait(5)
        return requests_of(user)

    def slow_erase(*args, **kwargs):  # type: ignore[no-untyped-def]
        exec_locked.set()  # the request is locked now
        return erase(*args, **kwargs)

    monkeypatch.setattr(holds, "_requests_of", slow_requests_of)
    monkeypatch.setattr(erasure_requests, "erase_people", slow_erase)

    def execute():  # type: ignore[no-untyped-def]
        lift_locked.wait(5)
        return erasure_request_execute(request=request, actor=dpo)

    results = _run(lambda: legal_hold_lift(hold=hold, actor=dpo), execute)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors


def test_p12_registering_a_request_while_one_is_executed_waits_its_turn(monkeypatch) -> None:
    from rights.requests import services as erasure_requests
    from rights.requests.services import erasure_request_execute, erasure_request_register

    person = UserFactory()
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    care = StaffFactory(role=Role.CUSTOMER_CARE)
    request = _verified(person)
    account_locked, exec_locked = threading.Event(), threading.Event()
    open_request, erase = erasure_requests._open_request, erasure_requests.erase_people

    def slow_open(user):  # type: ignore[no-untyped-def]
        account_locked.set()
        exec_locked.wait(5)
        return open_request(user)

    def slow_erase(*args, **kwargs):  # type: ignore[no-untyped-def]
        exec_locked.set()
        return erase(*args, **kwargs)

    monkeypatch.setattr(erasure_requests, "_open_request", slow_open)
    monkeypatch.setattr(erasure_requests, "erase_people", slow_erase)

    def execute():  # type: ignore[no-untyped-def]
        account_locked.wait(5)
        return erasure_request_execute(request=request, actor=dpo)

    results = _run(
        lambda: erasure_request_register(
            subject=person,
            channel=RequestChannel.PHONE,
            received_on=timezone.localdate(),
            actor=care,
        ),
        execute,
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
