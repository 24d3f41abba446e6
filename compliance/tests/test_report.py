"""The compliance report: clauses green or red from a JUnit file, and the command's exit.

Not named after a clause: these tests prove the report, and a clause's count must hold
only the tests that prove the clause itself.
"""

from __future__ import annotations

import re
import socket
import zlib
from pathlib import Path

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from compliance.clauses import CLAUSE_IDS
from compliance.controls import Control, controls_found
from compliance.documents import records_pdf, report_pdf
from compliance.junit import Outcome, clauses_of, results_read
from compliance.records import records_build
from compliance.report import report_build
from core.clauses import enforces


def junit_xml(path: Path, cases: list[tuple[str, str, str]]) -> Path:
    """Write a JUnit file as pytest does: (classname, name, outcome) per test."""
    rows = []
    for classname, name, outcome in cases:
        inner = {
            "passed": "",
            "failed": '<failure message="assert False">assert False</failure>',
            "error": '<error message="boom">boom</error>',
            "skipped": '<skipped type="pytest.skip" message="no chromium">skip</skipped>',
        }[outcome]
        rows.append(
            f'<testcase classname="{classname}" name="{name}" time="0.01">{inner}</testcase>'
        )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" '
        f'tests="{len(rows)}">{"".join(rows)}</testsuite></testsuites>',
        encoding="utf-8",
    )
    return path


def every_clause_passing() -> list[tuple[str, str, str]]:
    return [
        ("app.tests.test_x", f"test_{clause.lower()}_is_kept", "passed") for clause in CLAUSE_IDS
    ]


@pytest.fixture
def green_run(tmp_path: Path) -> Path:
    return junit_xml(tmp_path / "sqlite.xml", every_clause_passing())


def test_a_test_proves_the_clauses_its_name_starts_with():
    assert clauses_of("test_p13_unsubscribe_honoured") == ("P13",)
    assert clauses_of("test_p1_p3_registration_records_versions") == ("P1", "P3")
    assert clauses_of("test_p15_footer[/kushtet/]") == ("P15",)
    assert clauses_of("test_p5_role_matrix[sales-order_p9_]") == ("P5",)
    assert clauses_of("test_pizza_is_not_a_clause") == ()
    assert clauses_of("test_unsubscribe_p13") == ()


def test_every_clause_has_a_control_tagged_in_the_code():
    found = controls_found()
    assert {control.clause for control in found} == set(CLAUSE_IDS)
    where = {(control.clause, control.where) for control in found}
    assert ("P5", "staff.access.access_decision") in where
    assert ("P4", "compliance.checks.check_records_complete") in where
    # A setting has no function to decorate: a comment tags it.
    assert ("P6", "config/settings/production.py") in where
    # Tests are never controls.
    assert not any("/tests/" in control.path for control in found)


def test_enforces_records_itself_and_refuses_an_unknown_clause():
    @enforces("P13", "honours an opt-out at once")
    @enforces("P8", "sends marketing only to subscribers")
    def send() -> None: ...

    assert send.__clauses__ == (  # type: ignore[attr-defined]
        ("P8", "sends marketing only to subscribers"),
        ("P13", "honours an opt-out at once"),
    )
    with pytest.raises(ValueError, match="P17"):
        enforces("P17", "no such clause")
    with pytest.raises(ValueError, match="P5"):
        enforces("P5", " ")


def test_all_sixteen_clauses_green_when_each_has_a_control_and_a_passing_test(green_run, capsys):
    report = report_build(junit=[green_run])
    assert [status.clause.id for status in report.clauses] == list(CLAUSE_IDS)
    assert report.green
    call_command("compliance_report", str(green_run))
    out = capsys.readouterr().out
    assert "All 16 clauses green." in out
    assert out.count("OK  P") == 16


def test_a_failing_p13_test_turns_p13_red_and_the_command_non_zero(tmp_path, capsys):
    # given a run where one P13 test failed and the rest passed
    cases = [
        *every_clause_passing(),
        ("subscriptions.tests.test_views", "test_p13_unsubscribe_honoured_mid_campaign", "failed"),
    ]
    run = junit_xml(tmp_path / "sqlite.xml", cases)
    # when the report is made
    report = report_build(junit=[run])
    # then P13, and only P13, is red, naming the failing test
    assert [status.clause.id for status in report.red] == ["P13"]
    p13 = report.red[0]
    assert (p13.passed, p13.failed) == (1, 1)
    assert p13.reasons == ["1 test dështoi"]
    # and the command says so and exits with 1, as CI sees it
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "compliance_report", str(run)])
    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert "RED P13" in captured.out
    assert "test_p13_unsubscribe_honoured_mid_campaign" in captured.out
    assert "Red clauses: P13" in captured.err


def test_a_clause_without_a_test_without_a_pass_or_without_a_control_is_red(tmp_path):
    cases = [c for c in every_clause_passing() if "_p11_" not in c[1] and "_p2_" not in c[1]]
    cases.append(("e2e.test_browser", "test_p2_notice_shown_once", "skipped"))
    run = junit_xml(tmp_path / "sqlite.xml", cases)
    found = [control for control in controls_found() if control.clause != "P16"]
    report = report_build(junit=[run], controls=found)
    reasons = {status.clause.id: status.reasons for status in report.red}
    assert reasons == {
        "P2": ["asnjë test nuk kaloi"],
        "P11": ["asnjë test me emrin e saj"],
        "P16": ["asnjë kontroll i etiketuar"],
    }
    with pytest.raises(CommandError, match="P2, P11"):
        call_command("compliance_report", str(run))


def test_a_test_failing_on_postgresql_is_failing_though_sqlite_passed_it(tmp_path):
    node = ("rights.tests.test_export", "test_p12_export_holds_everything", "passed")
    sqlite = junit_xml(tmp_path / "sqlite.xml", [node])
    postgresql = junit_xml(tmp_path / "postgresql.xml", [(*node[:2], "error")])
    skipped_on_sqlite = junit_xml(tmp_path / "other.xml", [(*node[:2], "skipped")])
    assert [r.outcome for r in results_read([sqlite, postgresql])] == [Outcome.FAILED]
    assert [r.outcome for r in results_read([postgresql, sqlite])] == [Outcome.FAILED]
    assert [r.outcome for r in results_read([skipped_on_sqlite, sqlite])] == [Outcome.PASSED]
    assert [r.outcome for r in results_read([sqlite, skipped_on_sqlite])] == [Outcome.PASSED]


def test_the_command_refuses_without_a_junit_file(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    with pytest.raises(CommandError, match="make test"):
        call_command("compliance_report")
    with pytest.raises(CommandError, match="No JUnit file at"):
        call_command("compliance_report", str(tmp_path / "missing.xml"))
    # A run cut short leaves half a file.
    cut = tmp_path / "cut.xml"
    cut.write_text('<?xml version="1.0"?><testsuites><testsuite><testcase name="test_p1_', "utf-8")
    with pytest.raises(CommandError, match="not a readable JUnit XML file"):
        call_command("compliance_report", str(cut))


@pytest.fixture
def no_network(monkeypatch):
    """Fail any attempt to reach the network, as CI's sandbox would."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the PDF tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_the_report_pdf_renders_with_no_network(no_network, green_run, tmp_path, capsys):
    content = report_pdf(report_build(junit=[green_run]))
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    written = tmp_path / "report.pdf"
    call_command("compliance_report", str(green_run), "--pdf", str(written))
    assert written.read_bytes().startswith(b"%PDF-")


def pdf_text(content: bytes) -> bytes:
    """Return the PDF's page streams, unpacked: the text is there in Latin-1."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S)
    unpacked = []
    for stream in streams:
        try:
            unpacked.append(zlib.decompress(stream))
        except zlib.error:
            unpacked.append(stream)
    return b"".join(unpacked)


@pytest.mark.django_db
def test_the_records_pdf_renders_with_no_network(no_network):
    content = records_pdf(records_build())
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    text = pdf_text(content)
    # Albanian letters come through as themselves, in the built-in font's Latin-1.
    assert "Regjistri i veprimtarive të përpunimit".encode("latin-1") in text
    assert b"accounts.User.email" in text


def test_a_control_in_a_template_is_found_by_its_comment(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "footer.html").write_text(
        "<footer>\n  {# enforces P15: the footer names info@ #}\n</footer>\n", encoding="utf-8"
    )
    (tmp_path / "views.py").write_text(
        'from core.clauses import enforces\n\n\nclass Page:\n    @enforces("P16", "dated")\n'
        "    def get(self):\n        pass\n",
        encoding="utf-8",
    )
    found = controls_found([tmp_path])
    assert found == [
        Control(
            "P15", "the footer names info@", "templates/footer.html", "templates/footer.html", 2
        ),
        Control("P16", "dated", "views.Page.get", "views.py", 5),
    ]
