"""One demo customer who has used every feature, so every personal field holds a value.

The first demo customer (Arta Hoxha) gets courier notes, a delivered and a placed order
with delivery notes, a cookie decision, a subscription with an opt-out taken by phone
(with staff's note), mail, a support case in her own words, a contact-form message and a
mail with a photo that joined her account, a cart, a pending email change and the
access entries all of that writes. Her download (P12) then shows every
field the registry declares; the export tests prove it on her. Each step is done
through the service a customer or staff member would use, and only when it is missing:
safe to run again.
"""

from __future__ import annotations

import io
import logging

from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import EmailChange, User
from accounts.services import PasswordIncorrect, address_save, email_change_request
from cart.models import CartLine
from cart.services import cart_set_quantity
from catalog.models import Product
from consent.models import DecisionAction, DecisionChannel
from consent.services import consent_decide
from contractors.defaults import default_functions_ensure
from contractors.models import (
    Agreement,
    ContractorCompany,
    ContractorFunction,
    ContractorPerson,
    FunctionFieldAllowance,
)
from contractors.models import Job as ContractorJob
from contractors.services import job_assign, job_close
from demo.people import CUSTOMER_PASSWORD, CUSTOMERS, STAFF
from orders.models import Order, OrderStatus, PaymentMethod
from orders.services import Delivery, order_change_status, order_place
from privacy.roles import Role
from subscriptions.models import Channel, SubscriptionEvent, Topic
from subscriptions.services import opt_out_record, subscriber_for_user, subscription_change
from support.inbound import InboundAttachment, InboundMail
from support.models import CaseChannel, SupportCase
from support.services import (
    case_customer_reply,
    case_open_by_visitor,
    case_save,
    cases_join_account,
    inbound_mail_receive,
)

logger = logging.getLogger(__name__)

COURIER_NOTES = "Kati 4, zilja e dytë majtas; pas orës 17:00"
DELIVERY_NOTES = "Telefononi 10 minuta para se të vini"
NEW_EMAIL = "arta.hoxha.puna@example.al"
OPT_OUT_NOTE = "Tha në telefon se njoftimet për produktet nuk i duhen më"
CUSTOMER_MESSAGE = "Frigoriferi bën zhurmë natën; e bleva në porosinë e fundit. A vjen tekniku?"
CASE_REPLY = "E kontrollova sërish: zhurma vjen nga pjesa e pasme, sidomos pas mesnatës."
CONTACT_MESSAGE = "A mund ta ndërroj orën e dorëzimit për porosinë time? Pasditja më shkon më mirë."
MAIL_SUBJECT = "Foto e frigoriferit"
MAIL_TEXT = "Po ju dërgoj një foto të pjesës së pasme, ku dëgjohet zhurma."
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
FAILED_DELIVERY = "Nuk ishte njeri në shtëpi; do provojmë nesër"
COURIER_EMAIL = "ilir.bregu@korrierishpejt.al"
DELIVERED_PATH = (OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED)


def _staff(role: Role) -> User | None:
    demo = next(member for member in STAFF if member.role == role)
    return User.objects.with_email(demo.email).first()


def _products(count: int) -> list[Product]:
    return list(Product.objects.filter(is_active=True, stock__gt=5).order_by("sku")[:count])


def _address(user: User) -> None:
    address = user.addresses.order_by("-is_default", "pk").first()
    if address is None or not address.courier_notes:
        demo = CUSTOMERS[0]
        address_save(
            user=user,
            address=address,
            municipality=address.municipality if address else demo.municipality,
            street=address.street if address else demo.street,
            courier_notes=COURIER_NOTES,
            make_default=True,
        )


def _order(user: User, product: Product) -> Order:
    address = user.addresses.order_by("-is_default", "pk").first()
    assert address is not None
    return order_place(
        customer=user,
        quantities={product.pk: 1},
        delivery=Delivery(
            name=user.get_full_name(),
            phone_e164=user.phone,
            municipality=address.municipality,
            street=address.street,
            notes=DELIVERY_NOTES,
        ),
        payment_method=PaymentMethod.CASH_ON_DELIVERY,
        language=user.language,
        actor=user,
    )


def _orders(user: User, *, sales: User | None) -> None:
    products = _products(2)
    if len(products) < 2:
        logger.warning("No demo products in stock: the fully used customer orders nothing.")
        return
    orders = Order.objects.filter(customer=user)
    if not orders.filter(status=OrderStatus.DELIVERED).exists():
        delivered = _order(user, products[0])
        for status in DELIVERED_PATH:
            delivered = order_change_status(order=delivered, to_status=status, actor=sales)
    if not orders.filter(status=OrderStatus.PLACED).exists():
        _order(user, products[1])


def _consent(user: User) -> None:
    if not user.consent_decisions.exists():
        consent_decide(
            previous=None,
            analytics=True,
            personalisation=True,
            action=DecisionAction.ACCEPT_ALL,
            channel=DecisionChannel.BANNER,
            user=user,
            user_agent=USER_AGENT,
        )


def _subscription(user: User, *, care: User | None) -> None:
    """Subscribed to offers, and off product notices since she said so on the phone."""
    subscriber = subscriber_for_user(user)
    subscription_change(
        subscriber=subscriber, topics={Topic.OFFERS: True}, channel=Channel.ACCOUNT, actor=user
    )
    told_staff = SubscriptionEvent.objects.filter(subscriber=subscriber, channel=Channel.PHONE)
    if care is None or told_staff.exists():
        return
    subscription_change(
        subscriber=subscriber, topics={Topic.NOTICES: True}, channel=Channel.ACCOUNT, actor=user
    )
    opt_out_record(
        person=user, channel=Channel.PHONE, note=OPT_OUT_NOTE, actor=care, topics=[Topic.NOTICES]
    )


def _support_case(user: User, *, care: User | None) -> None:
    case = SupportCase.objects.filter(customer=user).order_by("pk").first()
    if case is not None and case.customer_message and case.messages.exists():
        return
    if case is None:
        case = SupportCase(
            customer=user,
            channel=CaseChannel.PHONE,
            summary="Pyet për zhurmën e frigoriferit dhe për garancinë",
        )
    case.customer_message = CUSTOMER_MESSAGE
    case.order = Order.objects.filter(customer=user, status=OrderStatus.DELIVERED).first()
    case_save(case=case, changed=["summary", "customer_message"], actor=care)
    if not case.messages.exists():
        # Her answer in the thread, from her account (P9).
        case_customer_reply(case=case, body=CASE_REPLY, actor=user)


def _demo_photo() -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 40)).save(picture, "PNG")
    return picture.getvalue()


def _support_by_mail(user: User) -> None:
    """Before signing in she wrote through the contact form about her order, and to info@
    with a photo; both joined her account by her verified address (P9)."""
    if SupportCase.objects.filter(customer=user, channel=CaseChannel.EMAIL).exists():
        return
    order = Order.objects.filter(customer=user, status=OrderStatus.DELIVERED).first()
    case_open_by_visitor(
        name=user.get_full_name(),
        email=user.email,
        order_number=order.number if order else "",
        body=CONTACT_MESSAGE,
        language=user.language,
        actor=None,
    )
    inbound_mail_receive(
        mail=InboundMail(
            message_id=f"<demo-{user.pk}@example.al>",
            sender_address=user.email,
            sender_name=user.get_full_name(),
            subject=MAIL_SUBJECT,
            text=MAIL_TEXT,
            references=(),
            attachments=(InboundAttachment("frigoriferi.png", "image/png", _demo_photo()),),
        ),
        actor=None,
    )
    cases_join_account(user=user, address=user.email)


def _failed_delivery(user: User, *, sales: User | None) -> None:
    """A courier of a demo company could not deliver her open order, and said why (P10)."""
    order = Order.objects.filter(customer=user, status=OrderStatus.PLACED).first()
    if order is None or ContractorJob.objects.filter(order=order).exists():
        return
    company, _created = ContractorCompany.objects.get_or_create(
        tax_number="L91234567K", defaults={"name": "Korrieri Shpejt"}
    )
    today = timezone.localdate()
    if not Agreement.objects.filter(company=company).valid_on(today).exists():
        Agreement.objects.create(
            company=company, signed_on=today, ends_on=today.replace(year=today.year + 1)
        )
    # A test may have emptied the migration's rows; the demo brings them back.
    default_functions_ensure(ContractorFunction, FunctionFieldAllowance)
    delivery = ContractorFunction.objects.get(slug="delivery")
    courier = User.objects.with_email(COURIER_EMAIL).first() or User.objects.create_user(
        COURIER_EMAIL, CUSTOMER_PASSWORD, first_name="Ilir", last_name="Bregu"
    )
    person, _created = ContractorPerson.objects.get_or_create(user=courier, company=company)
    person.functions.add(delivery)
    now = timezone.now()
    job = job_assign(
        order=order,
        company=company,
        function=delivery,
        window_start=now,
        window_end=now,
        actor=sales,
    )
    job_close(job_id=job.pk, done=False, failure_reason=FAILED_DELIVERY, actor=courier)


def _cart(user: User) -> None:
    if CartLine.objects.filter(cart__user=user).exists():
        return
    products = _products(3)
    if products:
        cart_set_quantity(user=user, session=SessionStore(), product=products[-1], quantity=1)


def _email_change(user: User) -> None:
    if EmailChange.objects.filter(user=user, confirmed_at__isnull=True).exists():
        return
    try:
        email_change_request(user=user, new_email=NEW_EMAIL, password=CUSTOMER_PASSWORD)
    except PasswordIncorrect:
        logger.warning("The first demo customer's password was changed: no pending email change.")


@transaction.atomic
def seed_fully_used_customer() -> User:
    """Make the first demo customer use every feature; return her account.

    Needs the demo customers, staff and catalogue (demo_seed) to exist.
    """
    user = User.objects.with_email(CUSTOMERS[0].email).get()
    care = _staff(Role.CUSTOMER_CARE)
    _address(user)
    _orders(user, sales=_staff(Role.SALES))
    _consent(user)
    _subscription(user, care=care)
    _support_case(user, care=care)
    _support_by_mail(user)
    _failed_delivery(user, sales=_staff(Role.SALES))
    # Placing an order empties the cart: filled last.
    _cart(user)
    _email_change(user)
    return user
