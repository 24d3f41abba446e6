"""The erased subjects' journal: written once an erasure commits, never for a rolled-back
one, holding no personal value, and refusing any line changed, removed or inserted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from accounts.tests.factories import UserFactory
from backups.journal import JournalError, journal_read, journal_sync_from_database
from backups.services import backup_take
from rights.erasure.engine import ErasureCause, erase_people
from rights.models import ErasedSubject

pytestmark = pytest.mark.django_db(transaction=True)


def test_p12_journal_line_written_after_the_erasure_commits(erasure_journal: Path) -> None:
    # given
    customer = UserFactory(first_name="Drita", last_name="Kelmendi")
    email = customer.email
    # when: an erasure rolled back, then one that commits
    with pytest.raises(RuntimeError), transaction.atomic():
        erase_people([customer.pk], cause=ErasureCause.REQUEST, reference="KF-1")
        raise RuntimeError
    assert journal_read() == []
    erase_people([customer.pk], cause=ErasureCause.REQUEST, reference="KF-1")
    # then: one line, naming the account, its pseudonym, the cause and the reference only
    (line,) = journal_read()
    pseudonym = ErasedSubject.objects.get(user=customer).pseudonym
    assert (line.erased.subject, line.erased.pseudonym) == (customer.pk, pseudonym)
    assert (line.erased.cause, line.erased.reference) == ("request", "KF-1")
    text = erasure_journal.read_text()
    for value in (email, "Drita", "Kelmendi"):
        assert value not in text
    # ... erasing her again changes nothing in the journal
    erase_people([customer.pk], cause=ErasureCause.REQUEST, reference="KF-1")
    assert len(journal_read()) == 1


def test_p12_journal_refuses_a_line_changed_removed_or_inserted(erasure_journal: Path) -> None:
    for customer in UserFactory.create_batch(3):
        erase_people([customer.pk], cause=ErasureCause.RETENTION)
    lines = erasure_journal.read_text().splitlines()
    assert len(journal_read()) == 3
    changed = json.loads(lines[1])
    changed["subject"] += 1
    for broken, problem in (
        ([lines[0], json.dumps(changed), lines[2]], "was changed"),
        ([lines[0], lines[2]], "removed, inserted or moved"),
        ([lines[0], lines[0], lines[1], lines[2]], "removed, inserted or moved"),
    ):
        erasure_journal.write_text("\n".join(broken) + "\n")
        with pytest.raises(JournalError, match=problem):
            journal_read()


def test_p12_journal_rebuilt_from_the_database_before_a_backup(
    erasure_journal: Path, backup_key: str, tmp_path: Path
) -> None:
    # given: two erasures, and a crash that lost the journal's file
    customers = UserFactory.create_batch(2)
    erase_people([customer.pk for customer in customers], cause=ErasureCause.RETENTION)
    erasure_journal.unlink()
    # when
    backup = backup_take(directory=tmp_path / "backups")
    # then: both are back in the journal, and the backup starts after them
    assert {line.erased.subject for line in journal_read()} == {c.pk for c in customers}
    assert backup.manifest["erasure_journal"]["position"] == 2
    assert journal_sync_from_database() == 0


def test_p12_restore_refuses_a_journal_cut_below_the_backup(
    erasure_journal: Path, backup_key: str, tmp_path: Path
) -> None:
    erase_people([UserFactory().pk], cause=ErasureCause.RETENTION)
    backup = backup_take(directory=tmp_path / "backups")
    erasure_journal.write_text("")
    with pytest.raises(CommandError, match="does not reach the backup's position"):
        call_command("restore", str(backup.folder))
