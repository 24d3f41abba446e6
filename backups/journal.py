"""The erased subjects' journal: who was erased, kept outside every backup's range.

One JSON line per completed erasure of a person: their account id, the pseudonym they
became, when, why (`cause`) and the request's or hold's reference; never a personal
value. Each line carries a MAC (keyed by SECRET_KEY, so the site that erases needs no
backup key) over its content and the previous line's MAC, so a line changed, removed
or inserted anywhere breaks the chain. Appends take an exclusive lock on the file, so
the web processes and workers of one machine write one after another; several machines
must share the file's folder.

A backup's manifest records the journal's position (its last line); a restore erases
again everyone on a later line. Lines are written after the erasure commits
(`receivers.py`); one lost in a crash is written again from the database
(`journal_sync_from_database`, run before every backup).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from rights.models import ErasedSubject

SALT = "backups.erasure_journal"
GENESIS = "0" * 64


class JournalError(Exception):
    """The journal is unreadable, or a line of it is not what was written."""


@dataclass(frozen=True)
class Erased:
    subject: int
    pseudonym: str
    completed_at: str
    cause: str
    reference: str

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.subject, self.pseudonym, self.reference)


@dataclass(frozen=True)
class JournalLine:
    seq: int
    erased: Erased
    prev: str
    mac: str


@dataclass(frozen=True)
class Position:
    seq: int
    mac: str


def journal_path() -> Path | None:
    configured = str(getattr(settings, "ERASURE_JOURNAL", "") or "")
    return Path(configured) if configured else None


def _canonical(seq: int, erased: Erased, prev: str) -> str:
    return json.dumps(
        {"seq": seq, "prev": prev, **asdict(erased)}, sort_keys=True, separators=(",", ":")
    )


def _mac(text: str, *, secret: str | None = None) -> str:
    return salted_hmac(SALT, text, secret=secret, algorithm="sha256").hexdigest()


def _parse(raw: bytes, number: int) -> JournalLine:
    try:
        values: dict[str, Any] = json.loads(raw)
        erased = Erased(
            subject=int(values["subject"]),
            pseudonym=str(values["pseudonym"]),
            completed_at=str(values["completed_at"]),
            cause=str(values["cause"]),
            reference=str(values["reference"]),
        )
        return JournalLine(
            seq=int(values["seq"]), erased=erased, prev=str(values["prev"]), mac=str(values["mac"])
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise JournalError(f"Line {number} of the erasure journal is not a journal line.") from exc


def _lines(raw: bytes) -> list[JournalLine]:
    return [_parse(line, number) for number, line in enumerate(raw.splitlines(), 1) if line]


def journal_read(path: Path | None = None) -> list[JournalLine]:
    """Return every line, having checked each one's MAC and its link to the one before."""
    path = path or journal_path()
    if path is None or not path.exists():
        return []
    try:
        lines = _lines(path.read_bytes())
    except OSError as exc:
        raise JournalError(f"The erasure journal {path} cannot be read: {exc}") from exc
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    prev = GENESIS
    for expected_seq, line in enumerate(lines, 1):
        if line.seq != expected_seq or line.prev != prev:
            raise JournalError(
                f"The erasure journal breaks at line {expected_seq}: "
                "a line was removed, inserted or moved."
            )
        text = _canonical(line.seq, line.erased, line.prev)
        if not any(constant_time_compare(_mac(text, secret=key), line.mac) for key in secrets):
            raise JournalError(
                f"Line {expected_seq} of the erasure journal was changed after it was written."
            )
        prev = line.mac
    return lines


def journal_position(lines: list[JournalLine]) -> Position:
    return Position(seq=lines[-1].seq, mac=lines[-1].mac) if lines else Position(0, GENESIS)


def journal_append(erasures: Iterable[Erased], *, path: Path | None = None) -> int:
    """Append a line for each erasure the journal does not hold yet; return how many."""
    path = path or journal_path()
    wanted = list(erasures)
    if path is None or not wanted:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "r+b") as journal:
        fcntl.flock(journal, fcntl.LOCK_EX)
        try:
            journal.seek(0)
            lines = _lines(journal.read())
            held = {line.erased.key for line in lines}
            position = journal_position(lines)
            seq, prev, written = position.seq, position.mac, []
            for erased in wanted:
                if erased.key in held:
                    continue
                held.add(erased.key)
                seq += 1
                mac = _mac(_canonical(seq, erased, prev))
                line = {"seq": seq, "prev": prev, **asdict(erased), "mac": mac}
                written.append(json.dumps(line, sort_keys=True, separators=(",", ":")))
                prev = mac
            if written:
                journal.write(("\n".join(written) + "\n").encode())
                journal.flush()
                os.fsync(journal.fileno())
        finally:
            fcntl.flock(journal, fcntl.LOCK_UN)
    return len(written)


def erased_now(
    *,
    subject_ids: Iterable[int],
    pseudonyms: dict[int, str],
    cause: str,
    reference: str,
    at: datetime,
) -> list[Erased]:
    return [
        Erased(
            subject=subject,
            pseudonym=pseudonyms[subject],
            completed_at=at.isoformat(),
            cause=str(cause),
            reference=reference,
        )
        for subject in subject_ids
    ]


def journal_sync_from_database(*, path: Path | None = None) -> int:
    """Write the line of every erased person the journal lacks (a crash after the commit).

    The database knows each person's first erasure (`ErasedSubject`); return how many
    lines were added.
    """
    path = path or journal_path()
    if path is None:
        return 0
    journalled = {line.erased.subject for line in journal_read(path)}
    missing = (
        ErasedSubject.objects.exclude(user_id__in=journalled)
        .order_by("erased_at", "user_id")
        .values_list("user_id", "pseudonym", "erased_at", "cause")
    )
    return journal_append(
        (
            Erased(
                subject=user_id,
                pseudonym=pseudonym,
                completed_at=erased_at.isoformat(),
                cause=cause,
                reference="",
            )
            for user_id, pseudonym, erased_at, cause in missing.iterator()
        ),
        path=path,
    )
