"""P9, P15: visitors write through the contact form; the answer goes to the address they
gave, and their cases join an account only once it has proven that address."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.signals import email_changed
from accounts.tests.factories import UnverifiedUserFactory, UserFactory
from accounts.tokens import make_email_verification_token
from catalog.tests.factories import ProductFactory
from core.templatetags.shared_cache import KEY_PREFIX
from mail.models import MailKind, OutboxMessage
from orders.tests.factories import place_order
from privacy.pages import PRIVATE_SECTIONS
from privacy.roles import Role
from staff.tests.factories import StaffFactory
from support.models import AuthorKind, CaseChannel, CaseMessage, SupportCase
from support.services import case_open_by_visitor, case_reply, case_save
from support.tests.mailgun import customer_mail, post_raw

pytestmark = pytest.mark.django_db

MESSAGE = "Dua të di nëse lavatriçja Beko vjen me instalim falas në Durrës."
ADDRESS = "besa.leka@example.al"


def _form(**changes: str) -> dict[str, str]:
    return {
        "name": "Besa Leka",
        "email": ADDRESS,
        "order_number": "",
        "body": MESSAGE,
        "website": "",
        **changes,
    }


def _visitor_case(*, email: str = ADDRESS, order_number: str = "") -> SupportCase:
    return case_open_by_visitor(
        name="Besa Leka",
        email=email,
        order_number=order_number,
        body=MESSAGE,
        language="sq",
        actor=None,
    )


# The page.


def test_p9_the_contact_page_uses_the_shop_layout_and_the_footer_links_to_it(client):
    page = client.get(reverse("contact:form"))
    html = page.content.decode()
    assert page.status_code == 200 and reverse("contact:form") == "/kontakt/"
    assert 'class="site-header"' in html and "Na kontaktoni" in html
    for name in ("name", "email", "order_number", "body"):
        assert f'name="{name}"' in html
    # the field for robots is in the page but hidden from people and screen readers
    assert '<div hidden><div class="field">' in html and 'name="website"' in html
    home = client.get(reverse("catalog:home")).content.decode()
    assert 'href="/kontakt/"' in home


def test_p9_the_contact_page_is_never_kept_in_the_shared_cache(client):
    assert "contact" in PRIVATE_SECTIONS
    cache.clear()
    response = client.get(reverse("contact:form"))
    assert response.context["page_is_private"] is True
    assert not _shared_fragments()
    # a public page, for comparison, is kept
    client.get(reverse("catalog:home"))
    assert _shared_fragments()


def _shared_fragments() -> list[str]:
    """The keys {% sharedcache %} stored (core/templatetags/shared_cache.py)."""
    return [key for key in cache._cache if f".{KEY_PREFIX}:" in key]  # type: ignore[attr-defined]


# Writing.


def test_p9_a_visitor_writes_and_a_case_waits_for_the_shop(client):
    response = client.post(reverse("contact:form"), _form(order_number=" 3vf-260301-ab12c "))
    assert response.status_code == 302 and response["Location"] == reverse("contact:form")
    case = SupportCase.objects.get()
    assert (case.channel, case.customer, case.language) == (CaseChannel.WEBSITE, None, "sq")
    assert (case.contact_name, case.contact_email) == ("Besa Leka", ADDRESS)
    assert case.order_number == "3VF-260301-AB12C" and case.order is None
    assert case.summary == MESSAGE
    assert case.messages.get().body == MESSAGE
    # no mail is sent on a form anyone can fill with anyone's address
    assert not OutboxMessage.objects.exists()
    assert "Mesazhi juaj u dërgua" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"name": " ... "}, "Shkruani emrin tuaj."),
        ({"email": "besa.leka@"}, "Shkruani një adresë email-i të vlefshme"),
        ({"order_number": "3VF/../porosi"}, "Numri i porosisë përmban vetëm shkronja"),
        ({"body": "  ... "}, "Shkruani mesazhin."),
    ],
)
def test_p9_bad_input_is_refused_in_albanian_and_keeps_nothing(client, changes, error):
    response = client.post(reverse("contact:form"), _form(**changes))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not SupportCase.objects.exists() and not CaseMessage.objects.exists()


def test_p9_a_robot_filling_the_hidden_field_is_answered_alike_and_nothing_is_kept(client):
    response = client.post(reverse("contact:form"), _form(website="https://spam.example"))
    assert response.status_code == 302
    assert not SupportCase.objects.exists()


def test_p9_the_form_is_throttled_per_client_and_per_address(client, settings):
    settings.MAIL_THROTTLE_PER_CLIENT = 2
    for number in range(2):
        posted = client.post(reverse("contact:form"), _form(email=f"vizitor{number}@example.al"))
        assert posted.status_code == 302
    refused = client.post(reverse("contact:form"), _form(email="vizitor9@example.al"))
    assert refused.status_code == 429
    assert "Keni dërguar shumë mesazhe për pak kohë" in refused.content.decode()
    assert SupportCase.objects.count() == 2

    settings.MAIL_THROTTLE_PER_CLIENT = 100
    settings.MAIL_THROTTLE_PER_ADDRESS = 1
    other_client = {"REMOTE_ADDR": "192.0.2.77"}
    assert client.post(reverse("contact:form"), _form(), **other_client).status_code == 302
    assert client.post(reverse("contact:form"), _form(), **other_client).status_code == 429
    assert SupportCase.objects.count() == 3


def test_p9_the_answer_goes_by_mail_to_the_address_given(client):
    client.post(reverse("contact:form"), _form())
    case = SupportCase.objects.get()
    owner, lead = StaffFactory(role=Role.CUSTOMER_CARE), StaffFactory(role=Role.CUSTOMER_CARE)
    case.assigned_to = owner
    case_save(case=case, changed=["assigned_to"], actor=lead)

    case_reply(case=case, body="Po, instalimi në Durrës është falas.", actor=owner)

    mail = OutboxMessage.objects.get(kind=MailKind.SUPPORT_REPLY)
    assert mail.to_address == ADDRESS and mail.recipient is None and mail.language == "sq"
    assert "Po, instalimi në Durrës është falas." in mail.body_text
    assert "Përshëndetje Besa Leka" in mail.body_text
    assert "/llogaria/" not in mail.body_text


# Joining an account.


def test_p9_an_unverified_account_joins_nothing_until_it_verifies(client):
    case = _visitor_case()
    # someone registers with the address, and signs in, without proving it
    person = UnverifiedUserFactory(email=ADDRESS)
    client.force_login(person)
    case.refresh_from_db()
    assert case.customer is None
    assert str(case) not in client.get(reverse("support:case_list")).content.decode()

    # the verification link proves the address: the case joins
    token = make_email_verification_token(person)
    client.get(reverse("accounts:verify_email", args=[_uid(person), token]))
    case.refresh_from_db()
    assert case.customer == person
    page = client.get(reverse("support:case_detail", args=[case.pk])).content.decode()
    assert MESSAGE in page


def _uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def test_p9_signing_in_with_the_verified_address_joins_cases_by_form_and_by_mail(client):
    by_form = _visitor_case()
    post_raw(client, customer_mail(sender=("Besa Leka", ADDRESS.upper())))
    by_mail = SupportCase.objects.get(channel=CaseChannel.EMAIL)
    someone_else = _visitor_case(email="tjeter@example.al")
    person = UserFactory(email=ADDRESS)

    client.force_login(person)

    assert set(person.support_cases.all()) == {by_form, by_mail}
    someone_else.refresh_from_db()
    assert someone_else.customer is None
    listing = client.get(reverse("support:case_list")).content.decode()
    assert str(by_form) in listing and str(by_mail) in listing
    assert str(someone_else) not in listing


def test_p9_a_staff_account_with_the_address_joins_nothing(client):
    case = _visitor_case(email="punonjes@3vfejzo.al")
    client.force_login(StaffFactory(role=Role.CUSTOMER_CARE, email="punonjes@3vfejzo.al"))
    case.refresh_from_db()
    assert case.customer is None


def test_p9_a_typed_order_number_becomes_the_order_only_if_the_account_placed_it(client):
    person = UserFactory(email=ADDRESS)
    stranger = UserFactory()
    product = ProductFactory(stock=5)
    own = place_order(customer=person, quantities={product.pk: 1})
    theirs = place_order(customer=stranger, quantities={product.pk: 1})
    about_own = _visitor_case(order_number=own.number.lower())
    about_theirs = _visitor_case(order_number=theirs.number)

    client.force_login(person)

    about_own.refresh_from_db()
    about_theirs.refresh_from_db()
    assert about_own.order == own
    assert about_theirs.order is None and about_theirs.customer == person


def test_p9_a_confirmed_new_address_joins_its_cases(client):
    person = UserFactory(email="vjeter@example.al")
    case = _visitor_case()
    person.email = ADDRESS
    person.save(update_fields=["email", "email_index"])
    email_changed.send(sender=User, customer=person)
    case.refresh_from_db()
    assert case.customer == person


def test_p9_a_signed_in_customer_writing_with_their_own_address_sees_the_case_at_once(client):
    person = UserFactory(email=ADDRESS)
    client.force_login(person)
    client.post(reverse("contact:form"), _form())
    case = SupportCase.objects.get()
    assert case.customer == person
    assert case.messages.get().author_kind == AuthorKind.CUSTOMER
