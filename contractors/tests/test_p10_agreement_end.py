"""P10: when a company's agreement ends, its people's access ends with it, on the portal
and for closing jobs; the DPO is reminded 30 days before, by a job the worker runs daily."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from contractors.access import AgreementNotValid, job_fields_read
from contractors.models import Agreement, Job, JobStatus
from contractors.services import agreements_ending_remind
from contractors.tasks import agreements_ending_reminder
from contractors.tests.conftest import order_moved, portal_client
from contractors.tests.factories import AgreementFactory, CompanyFactory
from core.daily import daily_tasks
from core.testing import run_tasks
from mail.models import MailKind, OutboxMessage
from orders.models import Order, OrderStatus
from privacy.models import AccessAction, AccessEntry


def test_p10_an_agreement_ending_today_still_serves_today_and_not_tomorrow(
    customer: Any, company: Any, courier: Any, delivery_job: Job
) -> None:
    today = timezone.localdate()
    Agreement.objects.filter(company=company).update(ends_on=today)
    # today the courier still sees the job
    response = portal_client(courier).get(f"/kontraktoret/pune/{delivery_job.pk}/")
    assert response.status_code == 200
    # tomorrow the same read is refused, and recorded as refused
    tomorrow = timezone.now() + timedelta(days=1)
    with pytest.raises(AgreementNotValid):
        job_fields_read(user=courier.user, job_id=delivery_job.pk, now=tomorrow)
    refused = AccessEntry.objects.filter(action=AccessAction.REFUSED).get()
    assert (refused.reason, refused.subject_id) == ("no_agreement", customer.pk)


def test_p10_after_the_agreement_ends_the_courier_can_neither_see_nor_close_the_job(
    customer: Any, order: Order, company: Any, courier: Any, delivery_job: Job
) -> None:
    # given the order is on the road, and the company's agreement ended yesterday
    order_moved(order, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY)
    Agreement.objects.filter(company=company).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )
    client = portal_client(courier)
    # then today's list is empty, the job is refused, and marking it delivered changes nothing
    assert order.number not in client.get("/kontraktoret/").content.decode()
    page = client.get(f"/kontraktoret/pune/{delivery_job.pk}/")
    assert page.status_code == 403
    assert "nuk ka marrëveshje konfidencialiteti në fuqi" in page.content.decode()
    assert order.delivery_street not in page.content.decode()
    closing = client.post(f"/kontraktoret/pune/{delivery_job.pk}/kryer/")
    assert closing.status_code == 403
    assert Job.objects.get(pk=delivery_job.pk).status == JobStatus.OPEN
    assert Order.objects.get(pk=order.pk).status == OrderStatus.OUT_FOR_DELIVERY
    assert not AccessEntry.objects.filter(action=AccessAction.REVEAL).exists()


def test_p10_a_new_agreement_gives_access_back(
    order: Order, company: Any, courier: Any, delivery_job: Job
) -> None:
    today = timezone.localdate()
    Agreement.objects.filter(company=company).update(ends_on=today - timedelta(days=1))
    client = portal_client(courier)
    assert client.get(f"/kontraktoret/pune/{delivery_job.pk}/").status_code == 403
    AgreementFactory(company=company, signed_on=today, ends_on=today + timedelta(days=365))
    assert client.get(f"/kontraktoret/pune/{delivery_job.pk}/").status_code == 200


def test_p10_the_reminder_comes_30_days_before_and_not_31(db: None) -> None:
    today = timezone.localdate()
    AgreementFactory(company=CompanyFactory(name="Servisi 31"), ends_on=today + timedelta(days=31))
    assert agreements_ending_remind(today=today) == 0
    assert agreements_ending_remind(today=today + timedelta(days=1)) == 1
    [message] = OutboxMessage.objects.filter(kind=MailKind.AGREEMENT_ENDING)
    assert "Servisi 31" in message.subject


def test_p10_the_reminder_is_a_daily_job_that_queues_its_next_run(db: None) -> None:
    # given the reminder is registered with core.daily, and jobs_ensure queues it
    assert agreements_ending_reminder in daily_tasks()
    call_command("jobs_ensure")
    path = agreements_ending_reminder.module_path
    waiting = DBTaskResult.objects.filter(task_path=path, status="READY")
    assert waiting.count() == 1
    # when a run is due, with an agreement ending in 30 days
    AgreementFactory(
        company=CompanyFactory(name="Kompania Z"),
        ends_on=timezone.localdate() + timedelta(days=30),
    )
    waiting.update(run_after=timezone.now() - timedelta(minutes=1))
    run_tasks()
    # then the DPO is reminded once, and the next day's run waits
    [message] = OutboxMessage.objects.filter(kind=MailKind.AGREEMENT_ENDING)
    assert "Kompania Z" in message.subject
    assert DBTaskResult.objects.filter(task_path=path, status="SUCCESSFUL").count() == 1
    assert DBTaskResult.objects.filter(task_path=path, status="READY").count() == 1
    # and running it again sends nothing twice
    agreements_ending_reminder.enqueue()
    run_tasks()
    assert OutboxMessage.objects.filter(kind=MailKind.AGREEMENT_ENDING).count() == 1
