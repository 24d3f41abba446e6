"""P11: legal requests — the register, the officer's decision, the sealed package, the notice
withheld until a date, and what the person sees and when."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import AddressFactory, UserFactory
from legal.models import (
    DisclosurePackage,
    LegalRequest,
    LegalRequestPerson,
    NoticeWithheld,
    RequestOutcome,
)
from legal.services import (
    LegalAccessDenied,
    LegalRequestError,
    legal_notices_send,
    legal_request_decide,
    legal_request_disclose,
    package_link,
    package_take,
)
from legal.tests.conftest import Clock
from mail.models import MailKind, OutboxMessage
from privacy.audit import audit_verify
from privacy.models import AccessAction, AccessBasis, AccessEntry
from privacy.registry import Category, registry
from privacy.roles import Role
from rights.export import data_export_build, data_export_open
from rights.models import DataExport
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

TRANSPARENCY_PAGE = "/llogaria/qasjet/"
REGISTER = "/zyra/legal/legalrequest/regjistro/"
CHANGELIST = "/zyra/legal/legalrequest/"
DISCLOSED = "Ua dha një autoriteti"


def _notices() -> int:
    return OutboxMessage.objects.filter(kind=MailKind.LEGAL_DISCLOSURE_NOTICE).count()


def _package(request: LegalRequest) -> dict[str, Any]:
    package = DisclosurePackage.objects.get(request=request)
    token = urlsplit(package_link(package)).path.rstrip("/").rsplit("/", 1)[-1]
    _package_row, stream = package_take(token=token)
    return json.loads(zipfile.ZipFile(io.BytesIO(b"".join(stream))).read("data.json"))


def _download(user: User) -> dict[str, Any]:
    export = DataExport.objects.create(user=user, language="sq", requested_at=_now())
    built = data_export_build(export_id=export.pk)
    assert built is not None
    data = b"".join(data_export_open(export=built, user=user))
    document = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("data.json"))
    return {section["key"]: section for section in document["sections"]}


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def _transparency_page(client: Client, user: User) -> str:
    client.force_login(user)
    response = client.get(TRANSPARENCY_PAGE)
    assert response.status_code == 200
    return response.content.decode()


def _gagged(
    register: Callable[..., LegalRequest], officer: User, person: User, clock: Clock, days: int
) -> LegalRequest:
    request = register(people=[person])
    return legal_request_decide(
        request=request,
        outcome=RequestOutcome.APPROVED,
        reason="Urdhër i prokurorisë me bazë ligjore të qartë.",
        notice_withheld=NoticeWithheld.COURT_ORDER,
        notice_withheld_note="Vendimi i gjykatës nr. 55, neni 3",
        notice_withheld_until=clock.today + timedelta(days=days),
        actor=officer,
    )


def test_p11_gag_until_d_no_trace_before_d_notice_once_on_d_then_shown(
    clock: Clock, register: Callable[..., LegalRequest], officer: User, client: Client
) -> None:
    # given a customer and a request approved with the notice forbidden until D
    person = UserFactory()
    AddressFactory(user=person)
    request = _gagged(register, officer, person, clock, days=5)
    day_d = request.notice_withheld_until

    # when the officer discloses it
    legal_request_disclose(request=request, actor=officer)

    # then the disclosure is on the access record, and the chain holds
    entry = AccessEntry.objects.get(subject_id=person.pk, action=AccessAction.DISCLOSE)
    assert entry.basis == AccessBasis.LEGAL_REQUEST and entry.reference == request.number
    assert audit_verify().intact
    # no notice and no trace on the person's pages before D
    assert _notices() == 0
    assert DISCLOSED not in _transparency_page(client, person)
    sections = _download(person)
    assert sections["legal.disclosures"]["rows"] == []
    assert all(
        row["action"]["value"] != "disclose" for row in sections["privacy.access_record"]["rows"]
    )
    assert (
        "legal.LegalRequestPerson" not in sections
        or not sections["legal.LegalRequestPerson"]["rows"]
    )
    clock.advance(days=4)
    assert legal_notices_send() == 0
    assert _notices() == 0
    assert DISCLOSED not in _transparency_page(client, person)

    # on D the notice is mailed, once, however often the job runs
    clock.advance(days=1)
    assert clock.today == day_d
    assert legal_notices_send() == 1
    assert legal_notices_send() == 0
    clock.advance(days=1)
    assert legal_notices_send() == 0
    assert _notices() == 1
    notice = OutboxMessage.objects.get(kind=MailKind.LEGAL_DISCLOSURE_NOTICE)
    assert notice.recipient_id == person.pk
    assert "Policia" in notice.body_text and "urdhër gjykate" in notice.body_text

    # and from then the person's pages show what was disclosed, when, to which kind of authority
    assert DISCLOSED in _transparency_page(client, person)
    sections = _download(person)
    (row,) = sections["legal.disclosures"]["rows"]
    assert row["authority_kind"] == {"value": "police", "label": "Policia"}
    assert set(row["categories"]["value"]) == {Category.IDENTITY, Category.CONTACT}
    assert row["disclosed_at"]
    assert any(
        r["action"]["value"] == "disclose" for r in sections["privacy.access_record"]["rows"]
    )
    assert audit_verify().intact


def test_p11_the_daily_job_is_registered_and_sends_the_notice_on_d(
    clock: Clock, register: Callable[..., LegalRequest], officer: User
) -> None:
    from core.daily import daily_tasks
    from core.testing import run_tasks
    from legal.tasks import legal_daily

    assert legal_daily in daily_tasks()
    request = _gagged(register, officer, UserFactory(), clock, days=1)
    legal_request_disclose(request=request, actor=officer)
    clock.advance(days=1)

    legal_daily.enqueue()
    legal_daily.enqueue()
    run_tasks()

    assert _notices() == 1
    assert LegalRequestPerson.objects.get(request=request).notified_at is not None


def test_p11_package_holds_only_the_approved_fields_and_the_record_names_them(
    register: Callable[..., LegalRequest], officer: User
) -> None:
    # given a request for identity and contact, approved in part: contact only
    person = UserFactory(first_name="Ardita", last_name="Kelmendi")
    request = register(people=[person])
    request = legal_request_decide(
        request=request,
        outcome=RequestOutcome.PARTLY_APPROVED,
        categories=[Category.CONTACT],
        reason="Vetëm kontakti nevojitet për hetimin.",
        actor=officer,
    )

    legal_request_disclose(request=request, actor=officer)

    document = _package(request)
    assert document["request"]["categories"] == [Category.CONTACT]
    (part,) = document["people"]
    assert part["account_id"] == person.pk
    given = {
        (section["key"], field["name"], field["category"])
        for section in part["sections"]
        for field in section["fields"]
    }
    assert given and {category for *_rest, category in given} == {Category.CONTACT}
    user_fields = registry.fields_of(User)
    contact = {
        name
        for name, entry in user_fields.items()
        if entry.category == Category.CONTACT and not entry.index_of
    }
    assert {name for key, name, _c in given if key == registry.of(User).key} == contact  # type: ignore[union-attr]
    raw = json.dumps(document, ensure_ascii=False)
    assert "Ardita" not in raw and "Kelmendi" not in raw
    assert person.email in raw
    # the access record names exactly the fields given, and the chain holds
    entry = AccessEntry.objects.get(subject_id=person.pk, action=AccessAction.DISCLOSE)
    package = DisclosurePackage.objects.get(request=request)
    assert sorted(entry.field_names) == package.fields
    assert all(
        name.rsplit(".", 1)[-1] in contact or "User" not in name for name in entry.field_names
    )
    assert audit_verify().intact


def test_p11_by_default_the_person_is_told_when_the_data_is_given(
    register: Callable[..., LegalRequest], officer: User, client: Client
) -> None:
    person = UserFactory()
    request = legal_request_decide(
        request=register(people=[person]),
        outcome=RequestOutcome.APPROVED,
        reason="Kërkesë e rregullt e policisë.",
        actor=officer,
    )
    legal_request_disclose(request=request, actor=officer)
    assert legal_notices_send() == 0
    assert _notices() == 1
    assert DISCLOSED in _transparency_page(client, person)


def test_p11_a_customer_outside_the_scope_is_not_in_the_package_nor_recorded(
    register: Callable[..., LegalRequest], officer: User, client: Client
) -> None:
    person, outsider = UserFactory(), UserFactory()
    request = legal_request_decide(
        request=register(people=[person]),
        outcome=RequestOutcome.APPROVED,
        reason="Kërkesë e rregullt e policisë.",
        actor=officer,
    )
    legal_request_disclose(request=request, actor=officer)

    document = _package(request)
    assert [part["account_id"] for part in document["people"]] == [person.pk]
    assert outsider.email not in json.dumps(document)
    assert not AccessEntry.objects.filter(
        subject_id=outsider.pk, action=AccessAction.DISCLOSE
    ).exists()
    assert DISCLOSED not in _transparency_page(client, outsider)
    assert _download(outsider)["legal.disclosures"]["rows"] == []


def test_p11_the_link_expires_and_a_forged_one_opens_nothing(
    clock: Clock, register: Callable[..., LegalRequest], officer: User, client: Client
) -> None:
    request = legal_request_decide(
        request=register(people=[UserFactory()]),
        outcome=RequestOutcome.APPROVED,
        reason="Kërkesë e rregullt e policisë.",
        actor=officer,
    )
    package = legal_request_disclose(request=request, actor=officer)
    link = urlsplit(package_link(package)).path

    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert b"".join(response.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]
    assert client.get(link.rstrip("/") + "x/").status_code == 404

    clock.advance(days=7, seconds=1)
    expired = client.get(link)
    assert expired.status_code == 404
    assert "Kjo paketë nuk gjendet" in expired.content.decode()


def test_p11_disclosing_twice_builds_one_package_and_records_once(
    register: Callable[..., LegalRequest], officer: User
) -> None:
    person = UserFactory()
    request = legal_request_decide(
        request=register(people=[person]),
        outcome=RequestOutcome.APPROVED,
        reason="Kërkesë e rregullt e policisë.",
        actor=officer,
    )
    legal_request_disclose(request=request, actor=officer)
    with pytest.raises(LegalRequestError, match="janë dhënë tashmë"):
        legal_request_disclose(request=request, actor=officer)
    assert (
        AccessEntry.objects.filter(subject_id=person.pk, action=AccessAction.DISCLOSE).count() == 1
    )
    assert _notices() == 1


def test_p11_a_refused_request_gives_nothing(
    register: Callable[..., LegalRequest], officer: User
) -> None:
    person = UserFactory()
    request = legal_request_decide(
        request=register(people=[person]),
        outcome=RequestOutcome.REFUSED,
        reason="Mungon baza ligjore për këto të dhëna.",
        actor=officer,
    )
    with pytest.raises(LegalRequestError, match="vetëm për një kërkesë të miratuar"):
        legal_request_disclose(request=request, actor=officer)
    assert not AccessEntry.objects.filter(subject_id=person.pk).exists()
    assert not DisclosurePackage.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.CUSTOMER_CARE, Role.SALES, Role.MARKETING, Role.ADMINISTRATOR]
)
def test_p11_other_roles_may_not_see_or_decide(
    role: Role, register: Callable[..., LegalRequest], officer: User, client: Client
) -> None:
    person = UserFactory()
    request = register(people=[person])
    staff = StaffFactory(role=role)

    for call in (
        lambda: register(people=[person], actor=staff),
        lambda: legal_request_decide(
            request=request,
            outcome=RequestOutcome.APPROVED,
            reason="Miratoj pa të drejtë.",
            actor=staff,
        ),
        lambda: legal_request_disclose(request=request, actor=staff),
    ):
        with pytest.raises(LegalAccessDenied):
            call()

    client.force_login(staff)
    base = f"{CHANGELIST}{request.pk}/"
    for url in (CHANGELIST, f"{base}change/", REGISTER, f"{base}vendos/", f"{base}jep/"):
        assert client.get(url).status_code in (302, 403, 404), url
    assert (
        client.post(f"{base}vendos/", {"outcome": "approved", "reason": "x" * 20}).status_code
        == 403
    )
    assert client.post(f"{base}jep/").status_code == 403
    request.refresh_from_db()
    assert request.outcome == RequestOutcome.PENDING
    assert LegalRequest.objects.count() == 1
    assert not DisclosurePackage.objects.exists()


def test_p11_a_superuser_without_the_officer_role_is_refused(
    register: Callable[..., LegalRequest], client: Client
) -> None:
    boss = UserFactory(is_staff=True, is_superuser=True)
    with pytest.raises(LegalAccessDenied):
        register(people=[UserFactory()], actor=boss)
    client.force_login(boss)
    assert client.get(REGISTER).status_code == 403


def test_p11_customers_and_visitors_are_kept_out_of_the_register(
    register: Callable[..., LegalRequest], customer_client: Client, client: Client
) -> None:
    request = register(people=[UserFactory()])
    url = f"{CHANGELIST}{request.pk}/change/"
    assert customer_client.get(url).status_code in (302, 403)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/zyra/login/" in anonymous["Location"]


def test_p11_bad_dates_are_refused_in_albanian_and_change_nothing(
    register: Callable[..., LegalRequest],
) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    person = UserFactory()
    with pytest.raises(LegalRequestError, match="Afati nuk mund të jetë para datës kur u mor"):
        register(people=[person], deadline=today - timedelta(days=1))
    with pytest.raises(LegalRequestError, match="Periudha është së prapthi"):
        register(people=[person], period_start=today, period_end=today - timedelta(days=3))
    with pytest.raises(LegalRequestError, match="të paktën një llogari"):
        register(people=[])
    with pytest.raises(LegalRequestError, match="klientësh"):
        register(people=[StaffFactory(role=Role.SALES)])
    assert not LegalRequest.objects.exists()


def test_p11_the_register_page_shows_the_message_and_registers_nothing(
    officer: User, client: Client
) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    person = UserFactory()
    client.force_login(officer)
    form = {
        "authority_kind": "court",
        "requester": "Gjykata e Rrethit Gjyqësor Tiranë",
        "legal_basis": "Vendimi nr. 12, neni 3",
        "reference": "12/2026",
        "received_on": today.isoformat(),
        "deadline": (today - timedelta(days=2)).isoformat(),
        "accounts": str(person.pk),
        "categories": [Category.CONTACT.value],
        "period_start": today.isoformat(),
        "period_end": today.isoformat(),
    }
    response = client.post(REGISTER, form)
    assert response.status_code == 400
    assert "Afati nuk mund të jetë para datës kur u mor kërkesa" in response.content.decode()
    assert not LegalRequest.objects.exists()

    response = client.post(REGISTER, {**form, "accounts": "abc"})
    assert "Shkruani numrat e llogarive me shifra" in response.content.decode()

    response = client.post(REGISTER, {**form, "deadline": today.isoformat()})
    assert response.status_code == 302
    request = LegalRequest.objects.get()
    assert list(request.people.values_list("person_id", flat=True)) == [person.pk]
    assert client.get(f"{CHANGELIST}{request.pk}/change/").status_code == 200


def test_p11_partial_approval_must_give_less_and_a_request_is_decided_once(
    clock: Clock, register: Callable[..., LegalRequest], officer: User
) -> None:
    request = register(people=[UserFactory()])
    reason = "Vetëm një pjesë e kërkesës ka bazë."
    with pytest.raises(LegalRequestError, match="më pak se sa kërkohet"):
        legal_request_decide(
            request=request,
            outcome=RequestOutcome.PARTLY_APPROVED,
            categories=[Category.IDENTITY, Category.CONTACT],
            reason=reason,
            actor=officer,
        )
    with pytest.raises(LegalRequestError, match="Periudha është së prapthi"):
        legal_request_decide(
            request=request,
            outcome=RequestOutcome.PARTLY_APPROVED,
            categories=[Category.CONTACT],
            period_start=clock.today,
            period_end=clock.today - timedelta(days=2),
            reason=reason,
            actor=officer,
        )
    with pytest.raises(LegalRequestError, match="në të ardhmen"):
        legal_request_decide(
            request=request,
            outcome=RequestOutcome.APPROVED,
            notice_withheld=NoticeWithheld.LEGAL_PROHIBITION,
            notice_withheld_until=clock.today,
            reason=reason,
            actor=officer,
        )
    request.refresh_from_db()
    assert request.outcome == RequestOutcome.PENDING
    legal_request_decide(
        request=request, outcome=RequestOutcome.REFUSED, reason=reason, actor=officer
    )
    with pytest.raises(LegalRequestError, match="është vendosur tashmë"):
        legal_request_decide(
            request=request, outcome=RequestOutcome.APPROVED, reason=reason, actor=officer
        )


def test_p11_documents_are_sealed_and_open_only_for_the_officer(
    register: Callable[..., LegalRequest], officer: User, client: Client
) -> None:
    from django.core.files.storage import default_storage

    request = register(people=[UserFactory()])
    document = request.documents.get()
    with default_storage.open(document.storage_name, "rb") as stored:
        assert b"urdher" not in stored.read()
    url = f"{CHANGELIST}{request.pk}/dokumenti/{document.pk}/"
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 urdher"  # type: ignore[attr-defined]
    client.force_login(StaffFactory(role=Role.CUSTOMER_CARE))
    assert client.get(url).status_code == 403


def test_p11_a_legal_hold_can_point_at_the_request(
    register: Callable[..., LegalRequest], officer: User
) -> None:
    from django.utils import timezone

    from rights.holds.services import legal_hold_place
    from rights.models import HoldKind
    from rights.requests.services import ErasureRequestError

    person, outsider = UserFactory(), UserFactory()
    request = register(people=[person])
    review = timezone.localdate() + timedelta(days=30)
    hold = legal_hold_place(
        subject=person,
        kind=HoldKind.LEGAL_REQUEST,
        reason="Kërkesa e policisë është ende e hapur.",
        review_on=review,
        actor=officer,
        legal_request=request,
    )
    assert list(request.holds.all()) == [hold]
    with pytest.raises(ErasureRequestError, match="nuk përmend"):
        legal_hold_place(
            subject=outsider,
            kind=HoldKind.LEGAL_REQUEST,
            reason="Kërkesa e policisë është ende e hapur.",
            review_on=review,
            actor=officer,
            legal_request=request,
        )


def test_p11_transparency_report_counts_by_authority_and_outcome_with_nothing_identifying(
    register: Callable[..., LegalRequest], officer: User, client: Client
) -> None:
    from django.utils import timezone

    person = UserFactory()
    approved = register(people=[person])
    legal_request_decide(
        request=approved,
        outcome=RequestOutcome.APPROVED,
        reason="Kërkesë e rregullt.",
        actor=officer,
    )
    register(people=[person], reference="Prot. 999/9")

    response = client.get("/privatesia/kerkesat-ligjore/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Policia" in page and "Miratuar" in page
    for secret in ("1234/5", "999/9", "Drejtoria Vendore", approved.number, person.email):
        assert secret not in page
    assert str(timezone.localdate().year) in page
    # linked from every page's footer, and in English too
    assert 'href="/privatesia/kerkesat-ligjore/"' in page
    english = client.get("/en/privatesia/kerkesat-ligjore/")
    assert english.status_code == 200


def test_p11_the_officers_dashboard_shows_pending_requests_and_deferred_notices(
    clock: Clock, register: Callable[..., LegalRequest], officer: User, rf: Any
) -> None:
    # The panel by itself: the landing page draws every role's panels, others' included.
    from legal.admin import _panel_parts
    from legal.permissions import LegalPermission
    from staff.admin_base.dashboard import dashboard_panels

    pending = register(people=[UserFactory()])
    request = _gagged(register, officer, UserFactory(), clock, days=3)
    legal_request_disclose(request=request, actor=officer)

    (panel,) = [panel for panel in dashboard_panels() if panel.key == "legal-requests"]
    assert panel.permission == LegalPermission.VIEW
    assert officer.has_perm(panel.permission)
    assert not StaffFactory(role=Role.SALES).has_perm(panel.permission)
    asked = rf.get("/zyra/")
    asked.user = officer
    figures, table = _panel_parts(asked)
    shown = {str(figure.label): figure.value for figure in figures.items}  # type: ignore[union-attr]
    assert shown["Kërkesa ligjore në pritje"] == "1"
    assert shown["Njoftime të shtyra"] == "1"
    assert shown["Njoftimi i radhës më"] == request.notice_withheld_until.strftime("%d.%m.%Y")  # type: ignore[union-attr]
    assert [row.cells[0] for row in table.rows] == [pending.number]  # type: ignore[union-attr]
    # a superuser without the role holds the permission but is shown nothing of it
    asked.user = UserFactory(is_staff=True, is_superuser=True)
    (empty,) = _panel_parts(asked)
    assert not empty.rows  # type: ignore[union-attr]


def test_p11_the_hold_form_offers_only_the_requests_that_name_the_person(
    register: Callable[..., LegalRequest],
) -> None:
    from rights.admin.forms import WHOLE_PERSON, LegalHoldForm

    person, outsider = UserFactory(), UserFactory()
    theirs, other = register(people=[person]), register(people=[outsider])
    form = LegalHoldForm(subject=person)
    assert list(form.fields["legal_request"].queryset) == [theirs]  # type: ignore[attr-defined]
    chosen = LegalHoldForm(
        {
            "kind": "legal_request",
            "target": WHOLE_PERSON,
            "reason": "Kërkesa e policisë është ende e hapur.",
            "review_on": "2999-01-01",
            "legal_request": other.pk,
        },
        subject=person,
    )
    assert not chosen.is_valid()
    assert "e përmend këtë klient" in str(chosen.errors["legal_request"])
