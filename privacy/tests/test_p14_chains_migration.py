"""P14: the one chain of before issue 17 becomes chain 0 of many, and still verifies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from core.testing import migrate_to, migrate_to_latest
from privacy.audit import CANONICAL_COLUMNS, access_record, audit_verify, entry_hash
from privacy.models import GENESIS_HASH, AccessAction, AccessBasis, AccessChainHead, AccessEntry

pytestmark = pytest.mark.django_db(transaction=True)

ONE_CHAIN = [("privacy", "0015_legal_request_vocabulary")]


@pytest.fixture(autouse=True)
def _newest_schema_afterwards() -> Iterator[None]:
    yield
    migrate_to_latest()


def test_p14_the_existing_chain_is_carried_over_and_verifies() -> None:
    # given: three entries written the way the one chain was, at the schema of before
    old = migrate_to(ONE_CHAIN)
    entries, heads = (
        old.get_model("privacy", "AccessEntry"),
        old.get_model("privacy", "AccessChainHead"),
    )
    prev_hash = GENESIS_HASH
    for seq in (1, 2, 3):
        values = {
            "seq": seq,
            "at": datetime(2026, 11, seq, 9, 30, tzinfo=UTC),
            "actor_id": None,
            "actor_kind": "job",
            "actor_label": "privacy.apply_retention",
            "subject_id": 100 + seq,
            "action": "job_read",
            "fields": "accounts.User.email",
            "basis": "retention",
            "reference": "",
            "reason": "",
            "ip_address": None,
        }
        digest = entry_hash(prev_hash, (values[column] for column in CANONICAL_COLUMNS))
        entries.objects.create(**values, prev_hash=prev_hash, entry_hash=digest)
        prev_hash = digest
    heads.objects.update_or_create(pk=1, defaults={"last_seq": 3, "last_hash": prev_hash})

    # when
    migrate_to_latest()

    # then: they are chain 0, its head is where the one head was, and every chain verifies
    assert set(AccessEntry.objects.values_list("chain", flat=True)) == {0}
    assert AccessChainHead.objects.get(chain=0).last_seq == 3
    assert AccessChainHead.objects.count() == 64
    report = audit_verify()
    assert report.intact and report.checked == 3
    # and new entries go on in their subjects' chains
    access_record(
        actor=None,
        subject_id=101,
        action=AccessAction.JOB_READ,
        fields=["accounts.User.email"],
        basis=AccessBasis.BACKGROUND_JOB,
    )
    assert audit_verify().intact
