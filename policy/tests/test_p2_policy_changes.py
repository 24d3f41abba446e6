"""Policy changes (P2): the officer drafts and publishes, an archive with dates and
differences, a one-time notice, and acceptance by the next use."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.tests.factories import UserFactory
from policy.diff import text_diff
from policy.models import (
    AcceptanceMethod,
    DocumentKind,
    PolicyAcceptance,
    PolicyDraft,
    PolicyVersion,
)
from policy.notice import NOTICE_SESSION_KEY
from policy.selectors import policy_current_version
from policy.services import (
    PolicyChangeRefused,
    PolicyDraftError,
    policy_acceptance_record,
    policy_draft_save,
    policy_publish,
)
from privacy.roles import Role
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

# The company's text as the repository ships it (policy/tests/test_pages.py also checks
# it against the company's own file where that is at hand).
COMPANY_TEXT = Path(settings.BASE_DIR) / "policy" / "texts" / "privacy-v1.sq.txt"
NOTICE_TITLE = "Përditësuam politikat dhe kushtet tona"
SUMMARY = "Shtuam një paragraf për ruajtjen e faturave për pesë vjet."
NEW_PARAGRAPH = "Faturat i ruajmë për pesë vjet, siç kërkon ligji për tatimet."


def _v1() -> PolicyVersion:
    return PolicyVersion.objects.get(kind=DocumentKind.PRIVACY, version=1, language="sq")


@pytest.fixture
def dpo():  # type: ignore[no-untyped-def]
    return StaffFactory(role=Role.DATA_PROTECTION_OFFICER)


def _draft(dpo, **changes: str) -> PolicyDraft:  # type: ignore[no-untyped-def]
    v1 = _v1()
    fields = {
        "kind": DocumentKind.PRIVACY,
        "title_sq": v1.title,
        "body_sq": v1.body.replace(
            "PËRDORIMI I TË DHËNAVE", f"{NEW_PARAGRAPH}\n\nPËRDORIMI I TË DHËNAVE", 1
        ),
        "summary_sq": SUMMARY,
        **changes,
    }
    return policy_draft_save(draft=None, actor=dpo, **fields)


@pytest.fixture
def published(dpo) -> PolicyVersion:  # type: ignore[no-untyped-def]
    return policy_publish(draft=_draft(dpo), actor=dpo, material=False)


# --- drafting and publishing ---------------------------------------------------------


def test_p2_officer_publishes_a_version_in_force_at_once_and_recorded(dpo):
    now = timezone.make_aware(datetime.datetime(2026, 12, 3, 10, 30))
    draft = _draft(
        dpo, title_en="Privacy Policy", body_en="We keep invoices.", summary_en="Invoices."
    )

    version = policy_publish(draft=draft, actor=dpo, material=True, now=now)

    assert version.version == 2
    assert policy_current_version(kind=DocumentKind.PRIVACY) == 2
    assert version.published_by == dpo
    assert version.published_by_label == Role.DATA_PROTECTION_OFFICER.value
    assert version.published_at == now
    assert version.effective_date == datetime.date(2026, 12, 3)
    assert version.material and version.summary == SUMMARY
    english = PolicyVersion.objects.get(kind=DocumentKind.PRIVACY, version=2, language="en")
    assert english.is_translation and english.summary == "Invoices."
    draft.refresh_from_db()
    assert draft.published_version == 2 and draft.published_at == now


def test_p16_a_new_version_states_its_own_date_in_its_text(dpo):
    now = timezone.make_aware(datetime.datetime(2026, 12, 3, 10, 30))
    version = policy_publish(draft=_draft(dpo), actor=dpo, material=False, now=now)
    assert version.body.endswith("DATA E PËRDITËSIMIT\n\n3 Dhjetor 2026")
    assert "1 Mars 2021" not in version.body
    assert _v1().body.endswith("1 Mars 2021")


def test_p2_version_1_stays_byte_for_byte_the_company_text(published):
    assert _v1().body.encode() == COMPANY_TEXT.read_bytes()
    assert str(_v1().effective_date) == "2021-03-01"


def test_p2_a_draft_is_published_once(dpo, published):
    draft = PolicyDraft.objects.get()
    with pytest.raises(PolicyDraftError):
        policy_publish(draft=draft, actor=dpo, material=False)
    assert PolicyVersion.objects.filter(kind=DocumentKind.PRIVACY, language="sq").count() == 2


def test_p2_publishing_the_text_in_force_unchanged_is_refused(dpo):
    draft = _draft(dpo, body_sq=_v1().body)
    with pytest.raises(PolicyDraftError):
        policy_publish(draft=draft, actor=dpo, material=False)
    assert not PolicyVersion.objects.filter(version=2).exists()


def test_p2_english_needs_title_and_text_together(dpo):
    with pytest.raises(PolicyDraftError):
        _draft(dpo, title_en="Privacy Policy")
    assert not PolicyDraft.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.CUSTOMER_CARE, Role.SALES, Role.MARKETING, Role.ADMINISTRATOR]
)
def test_p2_other_roles_may_neither_draft_nor_publish(dpo, role):
    draft = _draft(dpo)
    other = StaffFactory(role=role)
    with pytest.raises(PolicyChangeRefused):
        policy_draft_save(
            draft=None,
            actor=other,
            kind=DocumentKind.TERMS,
            title_sq="x",
            body_sq="y",
            summary_sq="z",
        )
    with pytest.raises(PolicyChangeRefused):
        policy_publish(draft=draft, actor=other, material=True)
    assert PolicyDraft.objects.count() == 1
    assert not PolicyVersion.objects.filter(version=2).exists()


def test_p2_a_superuser_without_the_officers_role_may_not_publish(dpo):
    draft = _draft(dpo)
    root = UserFactory(is_staff=True, is_superuser=True)
    for actor in (root, UserFactory(), None):
        with pytest.raises(PolicyChangeRefused):
            policy_publish(draft=draft, actor=actor, material=False)
    assert not PolicyVersion.objects.filter(version=2).exists()


def test_p2_the_back_office_lets_the_officer_preview_and_publish(client, dpo):
    draft = _draft(dpo)
    client.force_login(dpo)
    url = f"/zyra/policy/policydraft/{draft.pk}/krahaso/"

    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<ins>" in body and NEW_PARAGRAPH in body
    assert "shtuar" in body  # a word for the change, not colour alone

    response = client.post(url, {"material": ""})
    assert response.status_code == 302
    assert policy_current_version(kind=DocumentKind.PRIVACY) == 2


@pytest.mark.parametrize("role", [Role.CUSTOMER_CARE, Role.SALES, Role.MARKETING])
def test_p2_the_back_office_refuses_other_roles(client, dpo, role):
    draft = _draft(dpo)
    client.force_login(StaffFactory(role=role))
    assert client.get(f"/zyra/policy/policydraft/{draft.pk}/krahaso/").status_code == 403
    assert client.post(f"/zyra/policy/policydraft/{draft.pk}/krahaso/").status_code == 403
    assert client.get("/zyra/policy/policydraft/add/").status_code == 403
    assert client.get("/zyra/policy/policyversion/add/").status_code == 403
    assert not PolicyVersion.objects.filter(version=2).exists()


def test_p2_a_customer_is_not_let_into_the_back_office(customer_client, dpo):
    draft = _draft(dpo)
    response = customer_client.post(f"/zyra/policy/policydraft/{draft.pk}/krahaso/")
    assert response.status_code in (302, 403)
    assert not PolicyVersion.objects.filter(version=2).exists()


def test_p2_a_new_draft_starts_from_the_text_in_force(client, dpo):
    client.force_login(dpo)
    body = client.get("/zyra/policy/policydraft/add/?kind=privacy").content.decode()
    assert "COOKIES DHE JAVASCRIPT" in body


# --- archive, versions, difference --------------------------------------------------


def test_p2_archive_lists_every_version_with_its_date(client, published):
    body = client.get("/privatesia/versionet/").content.decode()
    assert "Versioni 1" in body and "Versioni 2" in body
    assert "1 Mars 2021" in body
    assert '<time datetime="2021-03-01">' in body
    assert f'<time datetime="{published.effective_date.isoformat()}">' in body
    assert "Kushtet e shërbimit" in body


def test_p2_archive_in_english(client, published):
    body = client.get("/en/privatesia/versionet/").content.decode()
    assert "1 March 2021" in body
    assert 'lang="en"' in body


def test_p16_each_version_page_shows_its_own_date(client, published):
    old = client.get("/privatesia/versionet/privatesia/1/").content.decode()
    assert "1 Mars 2021" in old and "Versioni 1" in old
    assert "i zëvendësuar" in old
    current = client.get("/privatesia/").content.decode()
    assert "Versioni 2" in current
    assert published.effective_date.isoformat() in current


def test_p2_the_difference_between_two_versions(client, published):
    body = client.get(
        "/privatesia/versionet/krahaso/?dokumenti=privatesia&nga=1&deri=2"
    ).content.decode()
    assert f'<ins><span class="diff-label">+ shtuar:</span> {NEW_PARAGRAPH}</ins>' in body
    assert SUMMARY in body
    back = client.get(
        "/privatesia/versionet/krahaso/?dokumenti=privatesia&nga=2&deri=1"
    ).content.decode()
    assert f'<del><span class="diff-label">− hequr:</span> {NEW_PARAGRAPH}</del>' in back


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("dokumenti=privatesia&nga=1&deri=9", 404, "Versioni 9"),
        ("dokumenti=privatesia&nga=0&deri=1", 404, "Versioni 0"),
        ("dokumenti=privatesia&nga=abc&deri=1", 400, "numër i plotë"),
        ("dokumenti=privatesia&nga=-1&deri=1", 400, "numër i plotë"),
        ("dokumenti=tjeter&nga=1&deri=1", 404, "nuk ekziston"),
    ],
)
def test_p2_bad_version_numbers_get_a_clear_message(client, published, query, status, message):
    response = client.get(f"/privatesia/versionet/krahaso/?{query}")
    assert response.status_code == status
    assert message in response.content.decode()


def test_p2_unknown_version_page_is_a_clear_404(client):
    response = client.get("/privatesia/versionet/privatesia/7/")
    assert response.status_code == 404
    assert "Versioni 7" in response.content.decode()
    assert client.get("/privatesia/versionet/tjeter/1/").status_code == 404


def test_p2_word_level_difference_marks_only_the_changed_words():
    diff = text_diff("Ne ruajmë të dhënat për dy vjet.", "Ne ruajmë të dhënat për pesë vjet.")
    [block] = diff.blocks
    assert block.kind == "changed"
    assert [(s.op, s.text) for s in block.segments if s.op != "same"] == [
        ("removed", "dy"),
        ("added", "pesë"),
    ]


# --- the notice, and acceptance by the next use ------------------------------------


def test_p2_returning_customer_sees_the_notice_once_and_next_use_accepts(customer, client, dpo):
    client.force_login(customer)
    client.get("/")  # before: nothing to tell
    version = policy_publish(draft=_draft(dpo), actor=dpo, material=False)

    first = client.get("/").content.decode()
    assert NOTICE_TITLE in first and SUMMARY in first
    assert "/privatesia/versionet/krahaso/?dokumenti=privatesia&amp;nga=1&amp;deri=2" in first
    assert not PolicyAcceptance.objects.filter(user=customer, version=2).exists()

    second = client.get("/produkte/").content.decode()
    assert NOTICE_TITLE not in second
    acceptance = PolicyAcceptance.objects.get(user=customer, kind=DocumentKind.PRIVACY, version=2)
    assert acceptance.method == AcceptanceMethod.CONTINUED_USE
    assert acceptance.notice_shown_at is not None
    assert acceptance.notice_shown_at <= acceptance.accepted_at
    assert version.version == 2
    assert NOTICE_TITLE not in client.get("/").content.decode()


def test_p2_dismissing_the_notice_accepts_without_javascript(customer, client, published):
    client.force_login(customer)
    assert NOTICE_TITLE in client.get("/").content.decode()
    response = client.post("/privatesia/njoftimi/", {"versioni": "privacy:2", "next": "/produkte/"})
    assert response.status_code == 302 and response["Location"] == "/produkte/"
    acceptance = PolicyAcceptance.objects.get(user=customer, version=2)
    assert acceptance.method == AcceptanceMethod.NOTICE_DISMISSED
    assert NOTICE_TITLE not in client.get("/").content.decode()
    assert PolicyAcceptance.objects.filter(user=customer, version=2).count() == 1


def test_p2_dismiss_ignores_an_outside_next_and_versions_not_due(customer, client, published):
    client.force_login(customer)
    response = client.post(
        "/privatesia/njoftimi/", {"versioni": "privacy:9", "next": "https://example.com/"}
    )
    assert response["Location"] == "/"
    assert not PolicyAcceptance.objects.filter(user=customer, version__gt=1).exists()


def test_p2_anonymous_cannot_dismiss_and_nothing_is_recorded(client, published):
    response = client.post("/privatesia/njoftimi/", {"versioni": "privacy:2"})
    assert response.status_code == 302 and "/llogaria/hyr/" in response["Location"]
    assert not PolicyAcceptance.objects.filter(version=2).exists()


def test_p2_reading_the_policy_is_not_acceptance(customer, client, published):
    client.force_login(customer)
    client.get("/")
    client.get("/privatesia/versionet/krahaso/?dokumenti=privatesia&nga=1&deri=2")
    client.get("/privatesia/")
    assert not PolicyAcceptance.objects.filter(user=customer, version=2).exists()
    client.get("/produkte/")
    assert PolicyAcceptance.objects.filter(user=customer, version=2).exists()


def test_p2_signing_out_or_using_a_right_is_not_acceptance(customer, client, published):
    client.force_login(customer)
    client.get("/")
    client.get("/llogaria/fshirja/")
    client.post("/llogaria/dil/")
    assert not PolicyAcceptance.objects.filter(user=customer, version=2).exists()


def test_p2_a_script_call_is_not_use(customer, client, published):
    client.force_login(customer)
    client.get("/")
    client.get("/kerko/sugjerime/?q=tel", HTTP_SEC_FETCH_MODE="cors")
    assert not PolicyAcceptance.objects.filter(user=customer, version=2).exists()


def test_p2_no_notice_for_visitors_staff_or_who_already_accepted(client, customer, dpo, published):
    assert NOTICE_TITLE not in client.get("/").content.decode()
    client.force_login(dpo)
    assert NOTICE_TITLE not in client.get("/").content.decode()
    policy_acceptance_record(
        user=customer,
        kind=DocumentKind.PRIVACY,
        version=2,
        language="sq",
        accepted_at=timezone.now(),
    )
    client.force_login(customer)
    assert NOTICE_TITLE not in client.get("/").content.decode()


def test_p2_version_1_alone_shows_no_notice_to_an_account_without_records(client):
    user = UserFactory()
    assert not PolicyAcceptance.objects.filter(user=user).exists()
    client.force_login(user)
    assert NOTICE_TITLE not in client.get("/").content.decode()
    assert not PolicyAcceptance.objects.filter(user=user).exists()


def test_p2_a_page_view_with_everything_accepted_costs_no_policy_query(
    customer, client, django_assert_max_num_queries
):
    client.force_login(customer)
    client.get("/llogaria/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/llogaria/")
    assert not [q for q in queries.captured_queries if "policy_" in q["sql"]]


def test_p2_the_notice_is_in_english_where_written(customer, client, dpo):
    policy_publish(
        draft=_draft(
            dpo, title_en="Privacy Policy", body_en="Text.", summary_en="We keep invoices."
        ),
        actor=dpo,
        material=False,
    )
    client.force_login(customer)
    body = client.get("/en/").content.decode()
    assert "We keep invoices." in body
    assert NOTICE_SESSION_KEY in client.session


def test_p1_registration_acceptance_is_recorded_as_registration(customer):
    acceptance = policy_acceptance_record(
        user=customer,
        kind=DocumentKind.TERMS,
        version=1,
        language="sq",
        accepted_at=timezone.now(),
    )
    assert acceptance.method == AcceptanceMethod.REGISTRATION
    again = policy_acceptance_record(
        user=customer,
        kind=DocumentKind.TERMS,
        version=1,
        language="sq",
        accepted_at=timezone.now(),
    )
    assert again.pk == acceptance.pk


def test_anonymous_user_object_never_sees_a_notice():
    from policy.notice import is_use

    class Request:
        user = AnonymousUser()
        META: dict[str, str] = {}
        resolver_match = None

    assert not is_use(Request())  # type: ignore[arg-type]
