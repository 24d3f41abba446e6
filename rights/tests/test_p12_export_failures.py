"""P12: a download that fails is tried again, then the customer and the officer are told."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from accounts.tests.factories import UserFactory
from conftest import TEST_PASSWORD
from core.testing import run_tasks
from mail.models import MailKind, OutboxMessage
from privacy.models import AccessAction, AccessEntry
from privacy.roles import Role
from rights.export import (
    BUILD_ATTEMPTS,
    FAILED_ANCHOR,
    build_retry_delay,
    data_export_build,
    data_export_request,
    data_exports_requeue_stalled,
    export_dir,
)
from rights.export import build as export_build
from rights.models import DataExport, ExportStatus
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PAGE = "/llogaria/te-dhenat/shkarko/"
TASK = "rights.export.build.data_export_build_task"
PERSON = {"first_name": "Mirela", "last_name": "Gjoka", "email": "mirela.gjoka@example.al"}


@pytest.fixture
def person() -> User:
    return UserFactory(**PERSON)


@pytest.fixture
def officer() -> User:
    return StaffFactory(role=Role.DATA_PROTECTION_OFFICER, first_name="Zyrtari", last_name="Z")


@pytest.fixture(params=["file_in_the_way", "read_only_folder"])
def unwritable_dir(request: Any, settings: Any, tmp_path: Path) -> Iterator[Path]:
    """A DATA_EXPORT_DIR the shop cannot write: a plain file where a folder should be
    (refused to root too), or a folder without write permission (not to root)."""
    if request.param == "file_in_the_way":
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("")
        settings.DATA_EXPORT_DIR = blocker / "exports"
        yield blocker
        return
    if os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder")
    folder = tmp_path / "exports"
    folder.mkdir(mode=0o500)
    settings.DATA_EXPORT_DIR = folder
    yield folder
    folder.chmod(0o700)


def _tries() -> Any:
    return DBTaskResult.objects.filter(task_path=TASK).order_by("enqueued_at")


def _run_due_tries() -> None:
    """Let the back-off pass: make every waiting try due, and run it."""
    _tries().filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    run_tasks()


def _mails(kind: MailKind, **filters: Any) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind, **filters))


def _files() -> list[Path]:
    directory = export_dir()
    return sorted(directory.iterdir()) if directory.is_dir() else []


def test_p12_a_download_that_cannot_be_written_is_tried_again_then_the_customer_and_the_officer_are_told(  # noqa: E501
    client: Client, person: User, officer: User, unwritable_dir: Path, mailoutbox: list[Any]
) -> None:
    # given a customer whose download cannot be written
    client.force_login(person)
    client.post(PAGE, {"password": TEST_PASSWORD})
    export = DataExport.objects.get(user=person)

    # when the first try runs
    run_tasks()

    # then it is still queued, and the next try waits for the back-off
    export.refresh_from_db()
    assert export.status == ExportStatus.QUEUED
    first, second = _tries()
    assert first.args_kwargs["args"] == [str(export.pk)]
    assert second.args_kwargs["args"] == [str(export.pk), 2]
    assert second.status == TaskResultStatus.READY
    waited = second.run_after - second.enqueued_at
    assert abs(waited - build_retry_delay(1)) < timedelta(seconds=5)
    assert not _mails(MailKind.DATA_EXPORT_FAILED)

    # when the back-off passes, try after try
    for _ in range(BUILD_ATTEMPTS - 1):
        _run_due_tries()

    # then each try waited longer, and after the last the download is failed
    tries = list(_tries())
    assert [t.args_kwargs["args"][1:] for t in tries] == [[], [2], [3], [4]]
    assert all(t.status == TaskResultStatus.SUCCESSFUL for t in tries)
    assert build_retry_delay(1) < build_retry_delay(2) < build_retry_delay(3)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert not AccessEntry.objects.filter(subject_id=person.pk, action=AccessAction.EXPORT)

    # and the customer is mailed once that they may ask again
    [told] = _mails(MailKind.DATA_EXPORT_FAILED, recipient=person)
    assert told.to_address == person.email
    assert reverse("rights:export_request") in told.body_text
    [sent] = [m for m in mailoutbox if m.to == [person.email]]
    assert "Nuk arritëm" in sent.subject

    # and every officer once, with numbers and no personal value
    [alert] = _mails(MailKind.DATA_EXPORT_FAILED, recipient=officer)
    assert f"#{export.pk}" in alert.subject
    assert f"#{person.pk}" in alert.body_text
    assert f"#{FAILED_ANCHOR}" in alert.body_text
    for value in PERSON.values():
        assert value not in alert.body_text and value not in alert.body_html

    # when a try runs again (a duplicate task): nothing more is sent
    assert data_export_build(export_id=export.pk, attempt=BUILD_ATTEMPTS) == export
    run_tasks()
    assert len(_mails(MailKind.DATA_EXPORT_FAILED)) == 2
    assert _tries().count() == BUILD_ATTEMPTS

    # then the customer's page says it failed and offers to ask again
    page = client.get(PAGE).content.decode()
    assert "Dështoi" in page and "Mund ta kërkoni sërish" in page
    assert 'name="password"' in page

    # and the officer's queue lists it, by number only
    client.force_login(officer)
    queue = client.get(reverse("admin:rights_erasurerequest_changelist"))
    html = queue.content.decode()
    assert f'id="{FAILED_ANCHOR}"' in html
    assert f"#{export.pk}" in html and f"Llogaria #{person.pk}" in html
    for value in PERSON.values():
        assert value not in html


def test_p12_a_customer_whose_download_failed_asks_again_and_gets_it(
    customer_client: Client, customer: User, settings: Any, tmp_path: Path
) -> None:
    # given a download that failed for good
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.DATA_EXPORT_DIR = blocker / "exports"
    failed = data_export_request(user=customer, password=TEST_PASSWORD, language="sq")
    for attempt in range(1, BUILD_ATTEMPTS + 1):
        data_export_build(export_id=failed.pk, attempt=attempt)
    assert DataExport.objects.get(pk=failed.pk).status == ExportStatus.FAILED

    # when the folder is mended and the customer asks again
    settings.DATA_EXPORT_DIR = tmp_path / "exports"
    response = customer_client.post(PAGE, {"password": TEST_PASSWORD})
    assert response.status_code == 302
    _run_due_tries()

    # then the new download is ready and the failed one stays as it was
    again = DataExport.objects.exclude(pk=failed.pk).get(user=customer)
    assert again.status == ExportStatus.READY
    assert DataExport.objects.get(pk=failed.pk).status == ExportStatus.FAILED
    assert len(_mails(MailKind.DATA_EXPORT_READY, recipient=customer)) == 1


def test_p12_a_try_that_fails_once_is_retried_and_mails_only_the_link(
    customer: User, settings: Any, tmp_path: Path
) -> None:
    # given a folder that cannot be written for the first try
    blocker = tmp_path / "exports"
    blocker.write_text("")
    export = data_export_request(user=customer, password=TEST_PASSWORD, language="sq")
    settings.DATA_EXPORT_DIR = blocker
    run_tasks()
    assert DataExport.objects.get(pk=export.pk).status == ExportStatus.QUEUED

    # when it is mended before the retry
    blocker.unlink()
    _run_due_tries()

    # then the retry built it: one file, one link mailed, no failure told
    assert DataExport.objects.get(pk=export.pk).status == ExportStatus.READY
    assert len(_files()) == 1
    assert len(_mails(MailKind.DATA_EXPORT_READY)) == 1
    assert not _mails(MailKind.DATA_EXPORT_FAILED)


def test_p12_a_try_that_crashes_after_writing_leaves_no_file_and_the_retry_mails_once(
    customer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a try that writes the whole file, then crashes before the row is marked ready
    export = data_export_request(user=customer, password=TEST_PASSWORD, language="sq")
    real_mail_ready = export_build._mail_ready
    crashes = iter([True])

    def mail_ready_crashing_once(ready: DataExport) -> None:
        if next(crashes, False):
            raise RuntimeError("the database went away")
        real_mail_ready(ready)

    monkeypatch.setattr(export_build, "_mail_ready", mail_ready_crashing_once)

    # when it runs
    run_tasks()

    # then its file is gone with the rolled-back row, and a retry waits
    assert DataExport.objects.get(pk=export.pk).status == ExportStatus.QUEUED
    assert _files() == []
    assert not _mails(MailKind.DATA_EXPORT_READY)
    assert not AccessEntry.objects.filter(subject_id=customer.pk, action=AccessAction.EXPORT)

    # when the retry runs, and runs again
    _run_due_tries()
    assert data_export_build(export_id=export.pk, attempt=3).status == ExportStatus.READY

    # then one file, one link mailed, one read recorded
    assert len(_files()) == 1
    assert len(_mails(MailKind.DATA_EXPORT_READY)) == 1
    assert (
        AccessEntry.objects.filter(subject_id=customer.pk, action=AccessAction.EXPORT).count() == 1
    )


def test_p12_a_build_whose_worker_died_gets_a_last_try_that_clears_its_half_written_file(
    customer: User,
) -> None:
    # given a download queued hours ago whose worker died mid-write: its task is gone
    # (finished as failed) and its half-written file is left
    export = data_export_request(user=customer, password=TEST_PASSWORD, language="sq")
    DataExport.objects.filter(pk=export.pk).update(requested_at=timezone.now() - timedelta(hours=3))
    _tries().update(status=TaskResultStatus.FAILED)
    export_dir().mkdir(parents=True)
    dead = export_dir() / f"{export.pk}-{'0' * 24}.zip.enc.4242.part"
    dead.write_bytes(b"half a zip")

    # when the daily run looks for stalled downloads, twice
    assert data_exports_requeue_stalled() == 1
    assert data_exports_requeue_stalled() == 0
    run_tasks()

    # then the last try built it and nothing half-written is left
    assert DataExport.objects.get(pk=export.pk).status == ExportStatus.READY
    [built] = _files()
    assert not built.name.endswith(".part")
    assert len(_mails(MailKind.DATA_EXPORT_READY)) == 1


def test_p12_a_download_queued_recently_or_with_a_waiting_try_is_not_requeued(
    customer: User,
) -> None:
    # given a download just asked for, and one hours old whose retry is waiting
    data_export_request(user=customer, password=TEST_PASSWORD, language="sq")
    older = DataExport.objects.create(
        user=UserFactory(), language="sq", requested_at=timezone.now() - timedelta(hours=3)
    )
    from rights.export import data_export_build_task

    data_export_build_task.using(run_after=timezone.now() + timedelta(minutes=30)).enqueue(
        str(older.pk), 3
    )

    # when the daily run looks for stalled downloads
    # then neither is queued again
    assert data_exports_requeue_stalled() == 0
