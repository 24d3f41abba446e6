"""The people and records the authorisation matrix requests every address with.

Customer A owns everything the URLs name (an order, an address, a support case with a
photo, an erasure request, a subscription); customer B owns the same kinds of things,
so B is a real customer and not an empty account. Each staff role has one trained
member whose session passed the second factor; a contractor's person is assigned a
delivery of A's order and its company holds an API key. Every model the back office
registers gets at least one row, so each of its object pages is requested for real.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.tests.factories import AddressFactory, UserFactory
from breaches.services import BreachDetails, breach_register
from campaigns.tests.factories import CampaignFactory
from catalog.tests.factories import BrandFactory, CategoryFactory, ProductFactory
from consent.models import DecisionAction, DecisionChannel
from consent.services import consent_decide
from contractor_api.services import api_token_issue
from contractors.models import ContractorPerson, FunctionFieldAllowance, Job
from contractors.services import job_assign
from contractors.tests.factories import AgreementFactory, CompanyFactory, PersonFactory, function
from core.tests.images import phone_photo_jpeg
from legal.models import LegalDocument
from legal.tests.factories import police_request_register
from mail.models import OutboxMessage
from mail.tasks import deliver_outbox_message
from orders.models import Order
from orders.tests.factories import place_order
from policy.models import DocumentKind
from policy.services import policy_draft_save
from privacy.registry import Category
from privacy.roles import Role
from rights.holds.services import legal_hold_place
from rights.models import HoldKind, RequestChannel
from rights.requests.services import erasure_request_register
from search.models import Synonym
from staff.tests.factories import StaffFactory
from subscriptions.models import Suppression, SuppressionReason
from subscriptions.tests.factories import CustomerSubscriberFactory
from support.models import CaseAttachment, SupportCase
from support.services import case_open_by_customer, case_save

API_HEADER = "HTTP_AUTHORIZATION"
# Visitors come from the internet, not from the app server itself (ops trusts loopback).
INTERNET = {"REMOTE_ADDR": "203.0.113.7"}


@dataclass
class World:
    owner: User
    other: User
    staff: dict[Role, User]
    contractor: ContractorPerson
    api_key: str
    order: Order
    address_id: int
    case: SupportCase
    photo: CaseAttachment
    job: Job
    legal_document: LegalDocument
    device: TOTPDevice
    # One row of each model the back office registers: (app_label, model_name) -> row.
    rows: dict[tuple[str, str], Model] = field(default_factory=dict)


def _customer_with_things(product: Any, *, care: User) -> tuple[User, Order, int, SupportCase]:
    customer = UserFactory()
    address = AddressFactory(user=customer)
    order = place_order(customer=customer, quantities={product.pk: 1})
    case = case_open_by_customer(
        customer=customer,
        summary="Frigoriferi",
        body="Dera nuk mbyllet mirë",
        order=order,
        actor=customer,
    )
    case.assigned_to = care
    case = case_save(case=case, changed=["assigned_to"], actor=None)
    CustomerSubscriberFactory(user=customer)
    return customer, order, address.pk, case


def _photo(case: SupportCase, customer: User) -> CaseAttachment:
    """A photo the customer sends from the case's page, as the storefront takes it."""
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415 - test helper

    client = Client()
    client.force_login(customer)
    client.post(
        f"/llogaria/ndihma/{case.pk}/",
        {
            "body": "Ja dhe fotografia e derës.",
            "photos": [SimpleUploadedFile("d.jpg", phone_photo_jpeg(width=80, height=60))],
        },
    )
    return CaseAttachment.objects.get(case=case)


def world_build() -> World:
    """Create the people and records; one of each back-office model at least."""
    staff = {role: StaffFactory(role=role) for role in Role}
    care, officer = staff[Role.CUSTOMER_CARE], staff[Role.DATA_PROTECTION_OFFICER]
    category = CategoryFactory()
    product = ProductFactory(category=category, brand=BrandFactory())
    owner, order, address_id, case = _customer_with_things(product, care=care)
    other, *_ = _customer_with_things(ProductFactory(), care=care)
    photo = _photo(case, owner)

    company = CompanyFactory()
    AgreementFactory(company=company)
    contractor = PersonFactory(company=company, functions=[function("delivery")])
    now = timezone.now()
    job = job_assign(
        order=order,
        company=company,
        function=function("delivery"),
        window_start=now - timedelta(hours=1),
        window_end=now + timedelta(hours=2),
        actor=None,
    )
    issued = api_token_issue(
        company=company, name="Sistemi i depos", functions=[function("delivery")], actor=None
    )
    device = TOTPDevice.objects.create(user=contractor.user, name="TOTP", confirmed=True)

    today = timezone.localdate()
    legal = police_request_register(people=[owner], actor=officer)
    erasure_request_register(
        subject=owner, channel=RequestChannel.PHONE, received_on=today, actor=officer
    )
    legal_hold_place(
        subject=owner,
        kind=HoldKind.DISPUTE,
        reason="Mosmarrëveshje për pagesën e porosisë",
        review_on=today + timedelta(days=30),
        actor=officer,
        order=order,
    )
    consent_decide(
        previous=None,
        analytics=True,
        personalisation=True,
        action=DecisionAction.ACCEPT_ALL,
        channel=DecisionChannel.FORM,
        user=owner,
        user_agent="Mozilla/5.0",
    )
    breach_register(
        details=BreachDetails(
            incident="Një laptop i zyrës humbi në tren",
            discovered_at=now - timedelta(hours=2),
            categories=[Category.CONTACT],
        ),
        actor=officer,
    )
    CampaignFactory()
    Synonym.objects.get_or_create(term="celular", defaults={"expansions": "telefon"})
    Suppression.objects.create(address_index="0" * 64, reason=SuppressionReason.COMPLAINT)
    policy_draft_save(
        draft=None,
        actor=officer,
        kind=DocumentKind.PRIVACY,
        title_sq="Politikat e Privatësisë",
        body_sq="Teksti i ri.",
        summary_sq="Një ndryshim i vogël.",
    )
    FunctionFieldAllowance.objects.get_or_create(
        function=function("delivery"), field="orders.Order.delivery_street"
    )
    Group.objects.get_or_create(name=Role.SALES.value)
    _task_result()

    world = World(
        owner=owner,
        other=other,
        staff=staff,
        contractor=contractor,
        api_key=issued.presented,
        order=order,
        address_id=address_id,
        case=case,
        photo=photo,
        job=job,
        legal_document=LegalDocument.objects.filter(request=legal).get(),
        device=device,
    )
    for model in admin.site._registry:
        if not model._meta.managed:
            continue  # a page of documents (the compliance records), not a table
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            world.rows[(model._meta.app_label, model._meta.model_name or "")] = row
    # The object pages name the owner's rows where the model holds customers' data.
    world.rows[("accounts", "user")] = owner
    world.rows[("orders", "order")] = order
    world.rows[("support", "supportcase")] = case
    world.rows[("contractors", "job")] = job
    world.rows[("legal", "legalrequest")] = legal
    return world


def _task_result() -> None:
    """Enqueue one task, so the task results' admin has a row."""
    deliver_outbox_message.enqueue(str(OutboxMessage.objects.order_by("created_at").first().pk))


def client_for_staff(user: User) -> Client:
    """A browser signed in as this staff member, the session verified by a TOTP code."""
    client = Client(**INTERNET)
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def client_for_contractor(world: World) -> Client:
    """The contractor's person in the portal (TOTP passed), and its company's key on the API."""
    client = Client(**INTERNET, **{API_HEADER: f"Bearer {world.api_key}"})
    client.force_login(world.contractor.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = world.device.persistent_id
    session.save()
    return client


def client_for_anonymous() -> Client:
    return Client(**INTERNET)


def client_for_customer(user: User) -> Client:
    client = Client(**INTERNET)
    client.force_login(user)
    return client
