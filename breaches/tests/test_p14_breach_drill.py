"""P14: `breach_drill` runs a practice breach end to end and leaves a report."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.tests.factories import AddressFactory, UserFactory
from breaches.models import Breach, BreachStatus
from breaches.notices import breach_notices_send
from core.testing import run_tasks, text_body
from privacy.audit import audit_verify

pytestmark = pytest.mark.django_db


def test_p14_breach_drill_end_to_end_over_smtp(smtp_server, breach_drill_dir):
    customers = [UserFactory() for _ in range(4)]
    AddressFactory(user=UserFactory(phone=""))
    out = StringIO()
    call_command("breach_drill", people=3, stdout=out)
    breach = Breach.objects.get()
    assert breach.drill and breach.status == BreachStatus.CLOSED
    expected = {c.pk for c in customers[:3]}
    assert set(breach.people.values_list("subject_id", flat=True)) == expected
    assert breach.idp_notified_at is not None and breach.lessons_learned
    run_tasks()
    breach_notices_send(breach_id=breach.pk)
    run_tasks()
    received = smtp_server.messages
    assert len(received) == 3
    assert {m["To"] for m in received} == {"ushtrime@3vfejzo.al"}
    assert all(m.subject.strip().startswith("[USHTRIM]") for m in received)
    named = sorted(pk for m in received for pk in expected if f"#{pk}." in text_body(m))
    assert named == sorted(expected)
    report = (breach_drill_dir / "breaches" / f"ushtrim-cenimi-{breach.pk}.md").read_text()
    assert "Përputhen saktësisht: po" in report
    assert "brenda 72 orëve" in report
    assert breach.drill_report == report
    assert "Përputhen saktësisht: po" in out.getvalue()
    assert audit_verify().intact


def test_p14_breach_drill_without_customers_says_what_to_do(db):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("breach_drill", stdout=StringIO())
    assert not Breach.objects.exists()
