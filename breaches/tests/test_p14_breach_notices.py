"""P14: notices to the people a breach touched arrive once each, over real SMTP; the
72-hour clock reminds the officer once per stage."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from breaches.clock import breach_clock_reminders_send
from breaches.models import Breach, ClockReminder, PersonSource
from breaches.notices import breach_notices_send
from breaches.selectors import BreachInputError
from breaches.services import (
    BreachDetails,
    breach_idp_notified,
    breach_notices_request,
    breach_people_add,
    breach_register,
    breach_texts_set,
)
from breaches.tests.conftest import PHONE
from core.testing import run_tasks, text_body
from mail.models import MailKind, OutboxMessage
from privacy.models import AccessAction, AccessEntry, Job
from privacy.registry import Category

pytestmark = pytest.mark.django_db

TEXT_SQ = "Një punonjës pa numrin tuaj të telefonit pa pasur arsye. E mbyllëm qasjen e tij."
TEXT_EN = "A staff member saw your phone number without a reason. We closed their access."


def _breach(dpo, *, hours_ago: float = 1, drill: bool = False) -> Breach:  # type: ignore[no-untyped-def]
    return breach_register(
        details=BreachDetails(
            incident="Një llogari shitjesh u përdor nga dikush tjetër.",
            discovered_at=timezone.now() - timedelta(hours=hours_ago),
            categories=[Category.CONTACT],
            field_names=[PHONE],
        ),
        actor=dpo,
        drill=drill,
    )


@pytest.fixture
def people():  # type: ignore[no-untyped-def]
    return [UserFactory(language="sq"), UserFactory(language="en"), UserFactory(language="sq")]


@pytest.fixture
def ready(dpo, people):  # type: ignore[no-untyped-def]
    breach = _breach(dpo)
    breach_people_add(
        breach=breach, subject_ids=[p.pk for p in people], source=PersonSource.OFFICER, actor=dpo
    )
    breach_texts_set(
        breach=breach,
        notice_text_sq=TEXT_SQ,
        notice_text_en=TEXT_EN,
        lessons_learned="",
        actor=dpo,
    )
    return breach


def test_p14_notices_arrive_once_each_over_smtp_even_when_the_job_runs_twice(
    ready, dpo, people, smtp_server
):
    assert breach_notices_request(breach=ready, actor=dpo) == 3
    run_tasks()
    # The job again, and the watch's recovery: nothing new.
    assert breach_notices_send(breach_id=ready.pk) == 0
    run_tasks()
    received = smtp_server.messages
    assert sorted(m["To"] for m in received) == sorted(p.email for p in people)
    english = next(m for m in received if m["To"] == people[1].email)
    assert TEXT_EN in text_body(english)
    albanian = next(m for m in received if m["To"] == people[0].email)
    assert TEXT_SQ in text_body(albanian)
    assert "USHTRIM" not in albanian.subject
    assert all(row.notified_at is not None for row in ready.people.all())


def test_p14_a_crash_midway_loses_nobody_and_sends_nobody_twice(ready, dpo, people, smtp_server):
    breach_notices_request(breach=ready, actor=dpo)
    real_enqueue = __import__("mail.services", fromlist=["mail_enqueue"]).mail_enqueue
    calls = {"n": 0}

    def dies_on_the_second(**kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real_enqueue(**kwargs)

    # A batch of one: the first person's notice commits, the worker dies on the second.
    with (
        mock.patch("breaches.notices.mail_enqueue", side_effect=dies_on_the_second),
        pytest.raises(RuntimeError),
    ):
        breach_notices_send(breach_id=ready.pk, batch=1)
    assert ready.people.filter(notified_at__isnull=False).count() == 1
    # The next run writes the rest; the worker delivers each once.
    assert breach_notices_send(breach_id=ready.pk) == 2
    run_tasks()
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(p.email for p in people)


def test_p14_reading_each_address_for_its_notice_is_on_the_access_record(ready, dpo, people):
    breach_notices_request(breach=ready, actor=dpo)
    breach_notices_send(breach_id=ready.pk)
    entries = AccessEntry.objects.filter(actor_label=Job.BREACH_NOTICE)
    assert sorted(e.subject_id for e in entries) == sorted(p.pk for p in people)
    assert {e.action for e in entries} == {AccessAction.JOB_READ}
    assert {e.fields for e in entries} == {"accounts.User.email"}


def test_p14_a_drill_notice_goes_only_to_the_drill_address_and_says_so(dpo, people, smtp_server):
    breach = _breach(dpo, drill=True)
    breach_people_add(
        breach=breach, subject_ids=[people[0].pk], source=PersonSource.OFFICER, actor=dpo
    )
    breach_texts_set(
        breach=breach, notice_text_sq=TEXT_SQ, notice_text_en="", lessons_learned="", actor=dpo
    )
    breach_notices_request(breach=breach, actor=dpo)
    breach_notices_send(breach_id=breach.pk)
    run_tasks()
    [message] = smtp_server.messages
    assert message["To"] == "ushtrime@3vfejzo.al"
    assert message.subject.strip().startswith("[USHTRIM]")
    assert f"llogarinë #{people[0].pk}" in text_body(message)
    assert OutboxMessage.objects.get().recipient_id is None


def test_p14_notices_need_a_text_and_people(dpo, people):
    breach = _breach(dpo)
    with pytest.raises(BreachInputError, match="Shkruani tekstin e njoftimit"):
        breach_notices_request(breach=breach, actor=dpo)
    breach_texts_set(
        breach=breach, notice_text_sq=TEXT_SQ, notice_text_en="", lessons_learned="", actor=dpo
    )
    with pytest.raises(BreachInputError, match="Nuk ka asnjë person"):
        breach_notices_request(breach=breach, actor=dpo)
    assert not OutboxMessage.objects.exists()


def test_p14_the_clock_reminds_the_officer_once_per_stage(dpo):
    _breach(dpo, hours_ago=25)
    assert breach_clock_reminders_send() == 1
    assert breach_clock_reminders_send() == 0
    # A day later the 48-hour reminder; two days later the overdue one; each once.
    later = timezone.now() + timedelta(hours=24)
    assert breach_clock_reminders_send(now=later) == 1
    assert breach_clock_reminders_send(now=later) == 0
    assert breach_clock_reminders_send(now=later + timedelta(hours=24)) == 1
    assert breach_clock_reminders_send(now=later + timedelta(hours=48)) == 0
    reminders = OutboxMessage.objects.filter(kind=MailKind.BREACH_CLOCK)
    assert reminders.count() == 3
    assert set(ClockReminder.objects.values_list("stage", flat=True)) == {"24h", "48h", "overdue"}
    assert all(message.to_address == dpo.email for message in reminders)


def test_p14_a_late_job_sends_only_the_latest_reminder(dpo):
    _breach(dpo, hours_ago=80)
    assert breach_clock_reminders_send() == 1
    [message] = OutboxMessage.objects.filter(kind=MailKind.BREACH_CLOCK)
    assert "ME VONESË" in message.body_text
    assert ClockReminder.objects.count() == 3


def test_p14_notifying_the_idp_stops_the_reminders(dpo):
    breach = _breach(dpo, hours_ago=30)
    breach_idp_notified(breach=breach, at=timezone.now(), reference="IDP-2026-118", actor=dpo)
    assert breach_clock_reminders_send() == 0


def test_p14_an_idp_notification_in_the_future_or_before_discovery_is_refused(dpo):
    breach = _breach(dpo, hours_ago=5)
    with pytest.raises(BreachInputError, match="në të ardhmen"):
        breach_idp_notified(
            breach=breach, at=timezone.now() + timedelta(hours=1), reference="X-1", actor=dpo
        )
    with pytest.raises(BreachInputError, match="para se të zbulohej"):
        breach_idp_notified(
            breach=breach, at=timezone.now() - timedelta(hours=6), reference="X-1", actor=dpo
        )
    breach.refresh_from_db()
    assert breach.idp_notified_at is None
