"""The tests that prove each clause, and how they fared, read from pytest's JUnit XML.

`make test` writes one file per run (var/junit/sqlite.xml, var/junit/postgresql.xml in
CI). A test proves the clauses its name starts with: `test_p13_...` proves P13,
`test_p1_p3_...` proves P1 and P3. A test that ran in several files failed if it failed
in any of them, and passed if it passed in one and failed in none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from django.db import models
from django.utils.translation import gettext_lazy as _

CLAUSE_PREFIX = re.compile(r"test_((?:p\d+_)+)")


class Outcome(models.TextChoices):
    PASSED = "passed", _("kaloi")
    FAILED = "failed", _("dështoi")
    SKIPPED = "skipped", _("u anashkalua")


class JunitUnreadable(ValueError):
    """A file that is not pytest's JUnit XML (cut short by a crash, or another file)."""


@dataclass(frozen=True)
class TestResult:
    # pytest's node, as the JUnit file names it: "support.tests.test_views::test_p9_...".
    node: str
    clauses: tuple[str, ...]
    outcome: Outcome


def clauses_of(name: str) -> tuple[str, ...]:
    """Return the clauses a test's name says it proves: test_p1_p3_x -> ("P1", "P3")."""
    match = CLAUSE_PREFIX.match(name.partition("[")[0])
    if not match:
        return ()
    return tuple(f"P{number}" for number in re.findall(r"p(\d+)_", match[1]))


def _outcome(case: ElementTree.Element) -> Outcome:
    if case.find("failure") is not None or case.find("error") is not None:
        return Outcome.FAILED
    if case.find("skipped") is not None:
        return Outcome.SKIPPED
    return Outcome.PASSED


def results_read(paths: Iterable[Path]) -> list[TestResult]:
    """Return the clause-named tests of these JUnit files, one result per test."""
    merged: dict[str, TestResult] = {}
    for path in paths:
        try:
            # Our own CI's output, not input from outside.
            tree = ElementTree.parse(path)  # noqa: S314
        except (ElementTree.ParseError, OSError) as error:
            raise JunitUnreadable(f"{path} is not a readable JUnit XML file: {error}") from error
        for case in tree.iter("testcase"):
            name = case.get("name", "")
            clauses = clauses_of(name)
            if not clauses:
                continue
            node = f"{case.get('classname', '')}::{name}"
            outcome = _outcome(case)
            before = merged.get(node)
            if before is not None and (
                before.outcome == Outcome.FAILED
                or (before.outcome == Outcome.PASSED and outcome == Outcome.SKIPPED)
            ):
                continue
            merged[node] = TestResult(node, clauses, outcome)
    return sorted(merged.values(), key=lambda result: result.node)
