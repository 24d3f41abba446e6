"""The compliance report: for each clause, its controls, its tests and their last results.

A clause is green when at least one control is tagged with it, at least one test named
after it passed in the last run, and none failed. Red otherwise, with the reasons.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext, ngettext

from compliance.clauses import CLAUSES, Clause
from compliance.controls import Control, controls_found
from compliance.junit import Outcome, TestResult, results_read


def junit_dir() -> Path:
    """Return where `make test` leaves its JUnit files."""
    return Path(settings.VAR_DIR) / "junit"


def junit_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or junit_dir()).glob("*.xml"))


@dataclass(frozen=True)
class ClauseStatus:
    clause: Clause
    controls: tuple[Control, ...]
    tests: tuple[TestResult, ...]

    def count(self, outcome: Outcome) -> int:
        return sum(result.outcome == outcome for result in self.tests)

    @property
    def passed(self) -> int:
        return self.count(Outcome.PASSED)

    @property
    def failed(self) -> int:
        return self.count(Outcome.FAILED)

    @property
    def skipped(self) -> int:
        return self.count(Outcome.SKIPPED)

    @property
    def reasons(self) -> list[str]:
        """Return why the clause is red; none when it is green."""
        reasons = []
        if not self.controls:
            reasons.append(gettext("asnjë kontroll i etiketuar"))
        if not self.tests:
            reasons.append(gettext("asnjë test me emrin e saj"))
        elif self.failed:
            reasons.append(
                ngettext("%(count)d test dështoi", "%(count)d teste dështuan", self.failed)
                % {"count": self.failed}
            )
        elif not self.passed:
            reasons.append(gettext("asnjë test nuk kaloi"))
        return reasons

    @property
    def green(self) -> bool:
        return not self.reasons


@dataclass
class Report:
    clauses: list[ClauseStatus]
    sources: list[str] = field(default_factory=list)

    @property
    def green(self) -> bool:
        return all(status.green for status in self.clauses)

    @property
    def red(self) -> list[ClauseStatus]:
        return [status for status in self.clauses if not status.green]


def report_build(
    *,
    junit: Sequence[Path] | None = None,
    controls: Iterable[Control] | None = None,
) -> Report:
    """Return the report from these JUnit files (by default the last run's) and the tags."""
    paths = list(junit) if junit is not None else junit_files()
    results = results_read(paths)
    found = list(controls) if controls is not None else controls_found()
    statuses = [
        ClauseStatus(
            clause=clause,
            controls=tuple(control for control in found if control.clause == clause.id),
            tests=tuple(result for result in results if clause.id in result.clauses),
        )
        for clause in CLAUSES
    ]
    return Report(clauses=statuses, sources=[path.name for path in paths])
