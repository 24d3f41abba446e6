"""P10, P12: a customer's jobs and what contractors read of them are in the customer's
download, and erasure handles the jobs as the registry declares them; the tests read the
declarations, so nothing here lists a field by hand."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.utils import timezone

from contractors.models import Job, JobStatus
from contractors.tests.conftest import assign, order_moved, portal_client
from orders.models import Order, OrderStatus
from privacy.models import AccessAction, AccessEntry, ActorKind
from privacy.registry import Erasure, qualified, registry
from rights.erasure.engine import ErasureCause, erase_people
from rights.erasure.rows import Outcome
from rights.export import data_export_build, data_export_open
from rights.export.document import JSON_NAME
from rights.models import DataExport, ExportStatus
from rights.presentation import data_names
from support.models import CaseStatus, SupportCase

REASON = "Askush në shtëpi, fqinji tha se janë jashtë vendit"


def download_of(user: Any) -> dict[str, dict[str, Any]]:
    """The customer's download, built as the worker builds it, by section key."""
    export = DataExport.objects.create(user=user, language="sq", requested_at=timezone.now())
    built = data_export_build(export_id=export.pk)
    assert built is not None and built.status == ExportStatus.READY
    archive = zipfile.ZipFile(io.BytesIO(b"".join(data_export_open(export=built, user=user))))
    document = json.loads(archive.read(JSON_NAME))
    return {section["key"]: section for section in document["sections"]}


def value(cell: Any) -> Any:
    return cell.get("value") if isinstance(cell, dict) else cell


@pytest.fixture
def failed_job(order: Order, company: Any, courier: Any) -> Job:
    """A delivery the courier could not make, with their reason, after reading the job."""
    job = assign(order, company, "delivery")
    client = portal_client(courier)
    client.get(f"/kontraktoret/pune/{job.pk}/")
    client.post(f"/kontraktoret/pune/{job.pk}/nuk-u-krye/", {"reason": REASON})
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    return job


@pytest.fixture
def read_repair(repair_job: Job, technician: Any) -> Job:
    portal_client(technician).get(f"/kontraktoret/pune/{repair_job.pk}/")
    return repair_job


def test_p10_the_download_holds_the_customers_jobs_of_both_kinds(
    customer: Any, other_customer: Any, failed_job: Job, read_repair: Job
) -> None:
    declaration = registry.of(Job)
    assert declaration is not None and declaration in list(registry.about_customers())
    sections = download_of(customer)
    rows = sections[declaration.key]["rows"]
    # both jobs, the order's and the repair case's, each with every declared field opened
    assert sorted(row["id"] for row in rows) == sorted([failed_job.pk, read_repair.pk])
    failed_row = next(row for row in rows if row["id"] == failed_job.pk)
    for name in declaration.fields:
        assert value(failed_row[name]) == getattr(failed_job, name), name
    # and another customer's download has none of them
    assert download_of(other_customer)[declaration.key]["rows"] == []


def test_p10_the_download_names_what_each_company_saw(
    customer: Any, other_customer: Any, order: Order, failed_job: Job, read_repair: Job
) -> None:
    sections = download_of(customer)
    record = sections["privacy.access_record"]["rows"]
    contractor_rows = [
        row for row in record if value(row["actor_kind"]) == ActorKind.CONTRACTOR.value
    ]
    reads = AccessEntry.objects.filter(subject_id=customer.pk, actor_kind=ActorKind.CONTRACTOR)
    assert len(contractor_rows) == reads.count() >= 3  # two reads and the failure noted
    # named by company and function, as recorded and as the reader reads them
    labels = {(value(row["actor_label"]), row["actor_label"]["label"]) for row in contractor_rows}
    assert {
        ("Kompania X, dorëzim", "Kompania X, dorëzim"),
        ("Kompania X, riparim", "Kompania X, riparim"),
    } <= labels
    # the fields in words, as the registry names them; the job by its order or case
    for entry in reads.filter(action=AccessAction.REVEAL):
        row = next(row for row in contractor_rows if row["seq"] == entry.seq)
        assert row["fields"]["label"] == data_names(entry.field_names)
        assert row["reference"] == entry.reference
    assert any(row["reference"].startswith(order.number) for row in contractor_rows)
    assert any(row["reference"].startswith("#") for row in contractor_rows)
    other = download_of(other_customer)["privacy.access_record"]["rows"]
    assert not any(value(row["actor_kind"]) == ActorKind.CONTRACTOR.value for row in other)


def test_p10_erasure_takes_the_jobs_as_declared_and_keeps_what_contractors_saw(
    customer: Any, order: Order, failed_job: Job, read_repair: Job, repair_case: SupportCase
) -> None:
    declaration = registry.of(Job)
    assert declaration is not None
    # given the delivery was made in the end, and the repair case was settled
    order_moved(order, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED)
    SupportCase.objects.filter(pk=repair_case.pk).update(
        status=CaseStatus.CLOSED, closed_at=timezone.now()
    )
    reads = list(
        AccessEntry.objects.filter(subject_id=customer.pk, actor_kind=ActorKind.CONTRACTOR)
        .order_by("id")
        .values_list("seq", "fields", "reference")
    )
    # when the customer is erased
    result = erase_people([customer.pk], cause=ErasureCause.REQUEST)
    # then each job goes, or loses its personal fields, as the registry declares
    left = Job.objects.filter(pk__in=[failed_job.pk, read_repair.pk])
    if declaration.erase_rows:
        assert not left.exists()
    else:
        for job in left:
            for name, entry in declaration.fields.items():
                if entry.erasure != Erasure.KEEP_FOR_LAW:
                    assert getattr(job, name) in ("", None), name
    report = {(row["field"], row["outcome"]) for row in result.reports[customer.pk]}
    for name in declaration.fields:
        assert (qualified(Job, name), Outcome.ERASED) in report
    # and what each company saw stays on the access record, as it was written
    kept = list(
        AccessEntry.objects.filter(subject_id=customer.pk, actor_kind=ActorKind.CONTRACTOR)
        .order_by("id")
        .values_list("seq", "fields", "reference")
    )
    assert kept == reads


def test_p10_erasure_keeps_the_job_of_an_order_still_on_its_way(
    customer: Any, order: Order, failed_job: Job
) -> None:
    declaration = registry.of(Job)
    assert declaration is not None
    # the order was not delivered: erasure holds it, and its jobs with it
    result = erase_people([customer.pk], cause=ErasureCause.REQUEST)
    job = Job.objects.get(pk=failed_job.pk)
    assert job.failure_reason == REASON
    report = {(row["field"], row["outcome"]) for row in result.reports[customer.pk]}
    for name in declaration.fields:
        assert (qualified(Job, name), Outcome.HELD) in report
