"""P9: a support case is a thread seen only by who handles it, every read on the record."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from mail.models import MailKind, OutboxMessage
from orders.tests.factories import place_order
from privacy.models import AccessAction, AccessBasis, AccessEntry
from privacy.registry import Category
from privacy.roles import Role
from rights.erasure.engine import ErasureCause, erase_people
from rights.export import data_export_build, data_export_open
from rights.export.document import JSON_NAME
from rights.models import DataExport, ExportStatus
from rights.retention.services import retention_apply
from staff.access import ROLE_MATRIX
from staff.tests.factories import StaffFactory
from support.models import (
    AuthorKind,
    CaseExpert,
    CaseHandover,
    CaseMessage,
    CaseStatus,
    SupportCase,
)
from support.services import (
    CaseRefused,
    case_customer_reply,
    case_expert_invite,
    case_expert_leave,
    case_open_by_customer,
    case_reply,
    case_save,
)

pytestmark = pytest.mark.django_db

SECRET = "Lavatriçja rrjedh ujë nga dera e përparme"
REPLY = "Tekniku vjen të enjten; mbani dokumentin e garancisë gati"
EXPERT_REASON = "Tekniku i lavatriçeve duhet të vlerësojë rrjedhjen"
BODY_FIELD = "support.CaseMessage.body"


@pytest.fixture
def case(customer, owner, lead):  # type: ignore[no-untyped-def]
    """A case the customer opened from their account, given to `owner` by `lead`."""
    opened = case_open_by_customer(
        customer=customer, summary="Lavatriçja", body=SECRET, order=None, actor=customer
    )
    opened.assigned_to = owner
    return case_save(case=opened, changed=["assigned_to"], actor=lead)


def _change_page(case: SupportCase) -> str:
    return reverse("admin:support_supportcase_change", args=[case.pk])


def _expert_page(case: SupportCase) -> str:
    return reverse("admin:support_supportcase_expert", args=[case.pk])


def _get(client, user, url):  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(url)
    return response, response.content.decode()


def _admin_post_data(response: Any, case: SupportCase) -> dict[str, Any]:
    """The change form as the page rendered it, ready to post back."""
    data: dict[str, Any] = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = getattr(value, "pk", value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for each in formset.initial_forms:
            data[f"{each.prefix}-id"] = each.instance.pk
            data[f"{each.prefix}-case"] = case.pk
    return data


# The customer's side.


def test_p9_customer_opens_reads_and_replies_to_a_case(client, customer):
    order = place_order(customer=customer, quantities={ProductFactory(stock=3).pk: 1})
    client.force_login(customer)
    # given a new case about one of their orders
    response = client.post(
        reverse("support:case_open"),
        {"summary": "Lavatriçja", "order": order.pk, "body": SECRET},
    )
    case = SupportCase.objects.get(customer=customer)
    assert response.status_code == 302
    assert response["Location"] == reverse("support:case_detail", args=[case.pk])
    assert case.order == order and case.channel == "website"
    # when they read it and answer
    page = client.get(response["Location"]).content.decode()
    assert SECRET in page and order.number in page
    answered = client.post(response["Location"], {"body": "Edhe një gjë: bën zhurmë."})
    # then the thread holds both, and their list shows the case
    assert answered.status_code == 302
    assert list(case.messages.values_list("author_kind", flat=True)) == [
        AuthorKind.CUSTOMER,
        AuthorKind.CUSTOMER,
    ]
    listing = client.get(reverse("support:case_list")).content.decode()
    assert str(case) in listing and "Lavatriçja" in listing
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("support:case_list") in profile


def test_p9_customer_cannot_choose_another_customers_order(client, customer, other_customer):
    order = place_order(customer=other_customer, quantities={ProductFactory(stock=3).pk: 1})
    client.force_login(customer)
    response = client.post(
        reverse("support:case_open"), {"summary": "Pyetje", "order": order.pk, "body": SECRET}
    )
    assert response.status_code == 200
    assert not SupportCase.objects.exists()


def test_p9_an_empty_message_is_refused_in_albanian(client, case, customer):
    client.force_login(customer)
    response = client.post(reverse("support:case_detail", args=[case.pk]), {"body": "   "})
    assert response.status_code == 400
    assert case.messages.count() == 1


def test_p9_another_customer_gets_404_and_changes_nothing(client, case, other_customer):
    client.force_login(other_customer)
    url = reverse("support:case_detail", args=[case.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"body": "Unë jam dikush tjetër"})
    assert response.status_code == 404
    assert SECRET not in response.content.decode()
    assert case.messages.count() == 1
    assert str(case) not in client.get(reverse("support:case_list")).content.decode()


def test_p9_a_closed_case_takes_no_more_messages(client, case, customer, owner):
    case.status = CaseStatus.CLOSED
    case_save(case=case, changed=["status"], actor=owner)
    client.force_login(customer)
    response = client.post(reverse("support:case_detail", args=[case.pk]), {"body": "Përsëri"})
    assert response.status_code == 400
    assert case.messages.count() == 1


# The shop's side.


def test_p9_owner_reads_the_thread_and_the_read_is_recorded(client, case, customer, owner):
    response, html = _get(client, owner, _change_page(case))
    assert response.status_code == 200
    assert SECRET in html and 'name="reply"' in html
    entry = AccessEntry.objects.filter(actor=owner, action=AccessAction.REVEAL).get()
    assert entry.basis == AccessBasis.SUPPORT_CASE and entry.reference == f"#{case.pk}"
    assert BODY_FIELD in entry.field_names
    # the customer sees the role and the case
    client.force_login(customer)
    page = client.get(reverse("rights:access_log")).content.decode()
    assert f"Rasti i mbështetjes #{case.pk}" in page
    assert "Kujdesi ndaj klientit" in page


def test_p9_staff_reply_from_the_case_page_mails_the_customer(client, case, customer, owner):
    response, _html = _get(client, owner, _change_page(case))
    data = _admin_post_data(response, case)
    data["reply"] = REPLY
    posted = client.post(_change_page(case), data)
    assert posted.status_code == 302, posted.content.decode()[:2000]
    message = case.messages.get(author_kind=AuthorKind.STAFF)
    assert message.body == REPLY and message.author == owner
    mail = OutboxMessage.objects.get(kind=MailKind.SUPPORT_REPLY)
    assert mail.to_address == customer.email
    # the mail says there is an answer; the answer stays in the account
    assert REPLY not in mail.body_text and SECRET not in mail.body_text
    assert REPLY not in mail.body_html and SECRET not in mail.body_html
    assert reverse("support:case_detail", args=[case.pk]) in mail.body_text
    client.force_login(customer)
    assert REPLY in client.get(reverse("support:case_detail", args=[case.pk])).content.decode()


def test_p9_a_colleague_who_does_not_handle_the_case_cannot_reply(case, lead):
    with pytest.raises(CaseRefused):
        case_reply(case=case, body=REPLY, actor=lead)
    assert not OutboxMessage.objects.filter(kind=MailKind.SUPPORT_REPLY).exists()
    assert case.messages.count() == 1


@pytest.mark.parametrize("role", [Role.MARKETING, Role.SALES])
def test_p9_marketing_and_sales_never_reach_case_text(client, case, role):
    staff = StaffFactory(role=role)
    client.force_login(staff)
    for url in (
        reverse("admin:support_supportcase_changelist"),
        reverse("admin:support_supportcase_changelist") + f"?q={case.pk}",
        _change_page(case),
        _expert_page(case),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert SECRET not in response.content.decode()
    response = client.post(_expert_page(case), {"action": "reply", "body": "Ofertë speciale!"})
    assert response.status_code == 403
    assert case.messages.count() == 1
    assert not AccessEntry.objects.filter(actor=staff).exists()
    # no purpose of theirs opens the support category, so no export or search shows it
    assert all(Category.SUPPORT not in cats for cats in ROLE_MATRIX[role].values())


# Experts.


def test_p9_invited_expert_reads_and_it_is_recorded(client, case, customer, owner, expert):
    case_expert_invite(case=case, expert=expert, reason=EXPERT_REASON, actor=owner)
    response, html = _get(client, expert, _expert_page(case))
    assert response.status_code == 200
    assert SECRET in html
    # and nothing else of the customer
    assert customer.email not in html
    entry = AccessEntry.objects.get(actor=expert)
    assert (entry.action, entry.basis, entry.reference) == (
        AccessAction.REVEAL,
        AccessBasis.SUPPORT_CASE,
        f"#{case.pk}",
    )
    assert BODY_FIELD in entry.field_names
    listing = client.get(reverse("admin:support_supportcase_expert_list")).content.decode()
    assert EXPERT_REASON in listing
    # the expert answers; the customer is mailed
    client.post(_expert_page(case), {"action": "reply", "body": REPLY})
    assert case.messages.filter(author_kind=AuthorKind.EXPERT, author=expert).exists()
    assert OutboxMessage.objects.filter(kind=MailKind.SUPPORT_REPLY).count() == 1
    client.force_login(customer)
    page = client.get(reverse("rights:access_log")).content.decode()
    assert f"Rasti i mbështetjes #{case.pk}" in page and "Kujdesi ndaj klientit" in page


def test_p9_an_expert_not_invited_is_refused(client, case, expert):
    response, html = _get(client, expert, _expert_page(case))
    assert response.status_code == 403 and SECRET not in html
    assert not AccessEntry.objects.filter(actor=expert).exists()


def test_p9_only_the_owner_invites_and_a_reason_is_required(case, owner, lead, expert):
    with pytest.raises(CaseRefused):
        case_expert_invite(case=case, expert=expert, reason=EXPERT_REASON, actor=lead)
    with pytest.raises(ValidationError):
        case_expert_invite(case=case, expert=expert, reason="pse jo", actor=owner)
    assert not CaseExpert.objects.exists()


@pytest.mark.parametrize("role", [Role.MARKETING, Role.SALES])
def test_p9_marketing_and_sales_cannot_be_invited_in(client, case, owner, role):
    colleague = StaffFactory(role=role)
    with pytest.raises(ValidationError):
        case_expert_invite(case=case, expert=colleague, reason=EXPERT_REASON, actor=owner)
    # nor read, should a role be added after the invitation
    expert = StaffFactory(role=Role.CUSTOMER_CARE)
    case_expert_invite(case=case, expert=expert, reason=EXPERT_REASON, actor=owner)
    expert.groups.add(*colleague.groups.all())
    response, html = _get(client, expert, _expert_page(case))
    assert response.status_code == 403 and SECRET not in html


def test_p9_expert_is_refused_after_leaving(client, case, owner, expert):
    case_expert_invite(case=case, expert=expert, reason=EXPERT_REASON, actor=owner)
    client.force_login(expert)
    left = client.post(_expert_page(case), {"action": "leave"})
    assert left.status_code == 302
    response, html = _get(client, expert, _expert_page(case))
    assert response.status_code == 403 and SECRET not in html
    assert AccessEntry.objects.filter(actor=expert).count() == 0


def test_p9_expert_is_refused_once_the_case_closes(client, case, owner, expert):
    case_expert_invite(case=case, expert=expert, reason=EXPERT_REASON, actor=owner)
    case.status = CaseStatus.CLOSED
    case_save(case=case, changed=["status"], actor=owner)
    response, html = _get(client, expert, _expert_page(case))
    assert response.status_code == 403 and SECRET not in html
    assert CaseExpert.objects.get().left_at is not None
    with pytest.raises(CaseRefused):
        case_reply(case=case, body=REPLY, actor=expert)


def test_p9_reassignment_moves_access_and_is_recorded(client, case, owner, lead, expert):
    case_expert_invite(case=case, expert=expert, reason=EXPERT_REASON, actor=owner)
    successor = StaffFactory(role=Role.CUSTOMER_CARE)
    # when the lead gives the case to a colleague
    case.assigned_to = successor
    case_save(case=case, changed=["assigned_to"], actor=lead)
    # then the handover is recorded, with the expert it ended
    handover = CaseHandover.objects.get(case=case)
    assert (handover.from_owner, handover.to_owner, handover.by) == (owner, successor, lead)
    assert handover.experts_ended == 1
    # the former owner and the expert are refused, the new owner reads
    response, html = _get(client, owner, _change_page(case))
    assert SECRET not in html and 'name="reply"' not in html
    with pytest.raises(CaseRefused):
        case_reply(case=case, body=REPLY, actor=owner)
    response, html = _get(client, expert, _expert_page(case))
    assert response.status_code == 403
    response, html = _get(client, successor, _change_page(case))
    assert SECRET in html
    assert AccessEntry.objects.filter(actor=successor, action=AccessAction.REVEAL).exists()


def test_p9_expert_leave_by_someone_else_is_refused(case, expert, lead, owner):
    case_expert_invite(case=case, expert=expert, reason=EXPERT_REASON, actor=owner)
    with pytest.raises(PermissionDenied):
        case_expert_leave(case=case, expert=expert, actor=lead)
    assert CaseExpert.objects.active().count() == 1


# The registry: download, erasure, retention.


def test_p9_download_holds_the_thread_through_the_registry(case, customer, owner):
    case_reply(case=case, body=REPLY, actor=owner)
    export = DataExport.objects.create(
        user=customer, language=customer.language, requested_at=timezone.now()
    )
    built = data_export_build(export_id=export.pk)
    assert built is not None and built.status == ExportStatus.READY
    archive = zipfile.ZipFile(io.BytesIO(b"".join(data_export_open(export=built, user=customer))))
    document = archive.read(JSON_NAME).decode()
    assert SECRET in document and REPLY in document
    assert json.loads(document)["sections"]


def test_p9_erasure_removes_the_thread_through_the_registry(case, customer, owner):
    case_reply(case=case, body=REPLY, actor=owner)
    case.status = CaseStatus.CLOSED
    case_save(case=case, changed=["status"], actor=owner)
    erase_people([customer.pk], cause=ErasureCause.REQUEST)
    assert not CaseMessage.objects.filter(case__customer=customer).exists()
    assert not SupportCase.objects.filter(customer=customer).exists()


def test_p9_retention_deletes_the_thread_with_the_closed_case(case, owner, settings):
    case.status = CaseStatus.CLOSED
    case_save(case=case, changed=["status"], actor=owner)
    SupportCase.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=3650))
    retention_apply()
    assert not CaseMessage.objects.filter(case_id=case.pk).exists()


def test_p9_another_customer_cannot_write_in_the_thread(customer):
    stranger = UserFactory()
    case = case_open_by_customer(
        customer=customer, summary="Pyetje", body=SECRET, order=None, actor=customer
    )
    with pytest.raises(CaseRefused):
        case_customer_reply(case=case, body="Unë", actor=stranger)
    assert case.messages.count() == 1
