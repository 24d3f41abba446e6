"""P12 acceptance: after erasure nothing of the person is left, in clear or under the keys.

The fully used demo customer asks for erasure from her account, confirms by mail, and
the data-protection officer executes it; her order in flight and her open case hold
their data until the order is cancelled and the case closed. Then the raw database
(a copy of the SQLite file; `pg_dump` on PostgreSQL), every encrypted value decrypted,
the outbox, the task table and the export folder are searched for her name, email,
phone and street addresses.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from accounts.models import EmailChange, User
from catalog.models import Product
from core.testing import run_tasks
from demo.people import CUSTOMER_PASSWORD
from mail.models import MailKind, OutboxMessage
from orders.models import Order, OrderLine, OrderStatus
from orders.services import order_change_status
from privacy.audit import audit_verify
from privacy.registry import registry
from privacy.roles import Role
from rights.export import data_export_build, data_export_request
from rights.holds.services import holds_release_ended
from rights.models import ErasureRequest, ErasureState
from rights.requests.services import (
    erasure_request_by_customer,
    erasure_request_confirm,
    erasure_request_execute,
)
from staff.tests.factories import StaffFactory
from support.models import CaseStatus, SupportCase

pytestmark = pytest.mark.django_db(transaction=True)


def _needles(user: User) -> set[str]:
    found = {user.get_full_name(), user.email, user.phone, user.phone.removeprefix("+")}
    found |= {address.street for address in user.addresses.all()}
    found |= {order.delivery_street for order in user.orders.all()}
    found |= {order.delivery_phone for order in user.orders.all()}
    found |= {change.new_email for change in EmailChange.objects.filter(user=user)}
    # First and last name apart are common to many people; together they are hers, and
    # the engine test checks each of her name fields on its own.
    found.add(f"{user.last_name} {user.first_name}")
    return {needle for needle in found if needle and len(needle) >= 4}


def _raw_database(tmp_path: Path) -> bytes:
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        sqlite3.connect(copy).close()
        return copy.read_bytes()
    database = connection.settings_dict
    dumped = subprocess.run(  # noqa: S603 - fixed arguments from the test settings
        [  # noqa: S607 - pg_dump from the PostgreSQL packages CI installs
            "pg_dump",
            "--data-only",
            "-h",
            database["HOST"] or "127.0.0.1",
            "-p",
            str(database["PORT"] or 5432),
            "-U",
            database["USER"],
            database["NAME"],
        ],
        env={"PGPASSWORD": database["PASSWORD"] or "", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=True,
    )
    return dumped.stdout


def _every_value_decrypted() -> list[str]:
    values = []
    for model, entry in registry.encrypted_fields():
        for row in model._default_manager.only("pk", "seal_id", entry.name).iterator():
            values.append(str(getattr(row, entry.name) or ""))
    return values


def _ledger() -> tuple[object, ...]:
    return (
        Order.objects.aggregate(total=Sum("total"))["total"],
        tuple(OrderLine.objects.order_by("pk").values_list("pk", "quantity", "unit_price")),
        tuple(Product.objects.order_by("pk").values_list("pk", "stock")),
    )


def test_p12_after_erasure_no_trace_of_the_person_is_left_anywhere(
    fully_used_customer: User, smtp_server, tmp_path: Path
) -> None:
    # given: her data everywhere, a download waiting in the export folder
    customer = fully_used_customer
    needles = _needles(customer)
    email = customer.email
    export = data_export_request(user=customer, password=CUSTOMER_PASSWORD, language="sq")
    data_export_build(export_id=export.pk)
    assert any(Path(settings.DATA_EXPORT_DIR).rglob("*"))
    ledger = _ledger()
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)

    # when: she asks, confirms by mail, and the officer executes
    erasure_request_by_customer(user=customer, password=CUSTOMER_PASSWORD)
    mail = OutboxMessage.objects.filter(kind=MailKind.ERASURE_CONFIRM).latest("created_at")
    token = re.search(r"/fshirja/konfirmo/([\w-]+)/", mail.body_text)
    assert token
    request = erasure_request_confirm(token=token.group(1))
    erasure_request_execute(request=request, actor=dpo)
    assert ErasureRequest.objects.get(pk=request.pk).state == ErasureState.HELD
    # ... what the holds kept is released when the order and the case end
    for order in Order.objects.filter(customer=customer, status=OrderStatus.PLACED):
        order_change_status(order=order, to_status=OrderStatus.CANCELLED, actor=dpo)
    SupportCase.objects.filter(customer=customer).update(
        status=CaseStatus.CLOSED, closed_at=timezone.now()
    )
    ledger_after_cancelling = _ledger()
    holds_release_ended()
    run_tasks()

    # then
    assert ErasureRequest.objects.get(pk=request.pk).state == ErasureState.COMPLETED
    raw = _raw_database(tmp_path)
    decrypted = "\n".join(_every_value_decrypted())
    for needle in needles:
        assert needle.encode() not in raw, f"{needle!r} is still in the database"
        assert needle not in decrypted, f"{needle!r} is still there under the keys"
    assert not OutboxMessage.objects.filter(recipient=customer).exists()
    assert not [path for path in Path(settings.DATA_EXPORT_DIR).rglob("*") if path.is_file()]
    user_index = User._meta.get_field("email_index").index_for(email)  # type: ignore[union-attr]
    assert user_index.encode() not in raw
    assert _ledger() == ledger_after_cancelling
    assert _ledger()[:2] == ledger[:2]
    assert audit_verify().intact
    reports = [m for m in smtp_server.messages if email in m.recipients]
    assert [m.subject.strip()[:24] for m in reports] == ["Të dhënat tuaja u fshinë"]
