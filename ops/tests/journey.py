"""A customer's journey through the storefront with the test client, and the values the
privacy registry says are hers: what the log and metrics scans look for."""

from __future__ import annotations

import re

from django.test import Client

from accounts.models import Address, User
from catalog.models import Product
from mail.models import MailKind, OutboxMessage
from orders.models import Order
from privacy.registry import registry
from privacy.subjects import rows_about

CLIENT_IP = "198.51.100.73"
PASSWORD = "Lumi-i-Osumit-2718"  # noqa: S105
EMAIL = "valbona.zenelaj@shembull.al"
TYPED_PHONE = "069 777 1234"
FIRST_STREET = "Rruga e Kavajës 77"
SECOND_STREET = "Rruga e Durrësit 155"
# What the person typed, in the form she typed it (the registry holds it normalised).
TYPED = {EMAIL, TYPED_PHONE, "Valbona", "Zenelaj", FIRST_STREET, SECOND_STREET, CLIENT_IP}


def _link(kind: MailKind, pattern: str) -> str:
    message = OutboxMessage.objects.filter(kind=kind).latest("created_at")
    found = re.search(pattern, message.body_text)
    assert found is not None, f"no link in the {kind} mail"
    return found.group(0)


def customer_journey(client: Client, product: Product) -> User:
    """Register, verify, sign out and in (a wrong password first), add and change an
    address, order, look up a page that does not exist with her address in the query
    string, and ask for erasure and confirm it; return her account."""
    # register, verify the address
    response = client.post(
        "/llogaria/regjistrohu/",
        {
            "first_name": "Valbona",
            "last_name": "Zenelaj",
            "email": EMAIL,
            "phone": TYPED_PHONE,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "accept_terms": "on",
            "terms_version": "1",
            "privacy_version": "1",
        },
    )
    assert response.status_code == 302, response.content[:500]
    user = User.objects.get()
    client.force_login(user)
    assert (
        client.get(_link(MailKind.EMAIL_VERIFICATION, r"/llogaria/verifiko/\S+/")).status_code
        == 302
    )
    # sign out, a wrong password, then sign in
    client.post("/llogaria/dil/")
    client.post("/llogaria/hyr/", {"username": EMAIL, "password": "gabim-fare-123"})
    response = client.post("/llogaria/hyr/", {"username": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    # an address, then changed
    response = client.post(
        "/llogaria/adresat/shto/",
        {"municipality": "tirane", "street": FIRST_STREET, "courier_notes": "Zilja Zenelaj"},
    )
    assert response.status_code == 302
    address = Address.objects.get(user=user)
    response = client.post(
        f"/llogaria/adresat/{address.pk}/ndrysho/",
        {"municipality": "tirane", "street": SECOND_STREET, "make_default": "on"},
    )
    assert response.status_code == 302
    # an order
    assert client.post("/shporta/shto/", {"product": product.pk, "quantity": 1}).status_code == 302
    response = client.post(
        "/porosite/arka/",
        {"address": str(address.pk), "phone": TYPED_PHONE, "payment_method": "cod"},
    )
    assert response.status_code == 302, response.content[:500]
    order = Order.objects.get(customer=user)
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/porosite/").status_code == 200
    assert order.pk
    # a page that does not exist, her address in its query string
    assert client.get(f"/llogaria/adresat/999999/ndrysho/?email={EMAIL}").status_code == 404
    # erasure: asked from the account, confirmed from the mail
    response = client.post("/llogaria/fshirja/", {"password": PASSWORD})
    assert response.status_code == 302
    confirm = _link(MailKind.ERASURE_CONFIRM, r"/llogaria/fshirja/konfirmo/\S+/")
    assert client.post(confirm).status_code == 200
    return user


def personal_values(user: User) -> set[str]:
    """Return every personal value the registry's declarations hold about this customer,
    and what she typed, as text of five characters or more."""
    values = set(TYPED)
    emails = {user.pk: user.email}
    for declaration in registry.about_customers():
        for row in rows_about(declaration, user_ids=[user.pk], emails=emails):
            for name, entry in declaration.fields.items():
                if entry.index_of or row._meta.get_field(name).choices:
                    continue  # a keyed hash; a choice among a few words
                value = getattr(row, name, None)
                if isinstance(value, str) and len(value.strip()) >= 5:
                    values.add(value.strip())
    values.add(user.phone.removeprefix("+"))
    return values
