"""P5, P9, P10, P14: the authorisation matrix, every address × every kind of visitor.

Each URL pattern declares beside itself who reaches it (`core.access_matrix.audience`;
the back office by one rule beside its site, `staff.admin_site.admin_audience`). These
tests walk the resolver, so an address added later is covered the day it appears: one
without a declaration fails, and so does any outcome other than the declared one.
Every address is requested with customer A's objects as anonymous, A, customer B, a
contractor's person (assigned A's delivery; the API with its company's key) and a
staff member of each role whose session passed the second factor. Then every visitor
refused a page POSTs to it, and nothing in the database changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.urls import include, path, reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_encode

from config.tests.access_matrix_world import (
    World,
    client_for_anonymous,
    client_for_contractor,
    client_for_customer,
    client_for_staff,
    world_build,
)
from core.access_matrix import (
    PUBLIC,
    REFUSED,
    DeclaredPattern,
    Outcome,
    Visitor,
    audience,
    everyone,
    patterns_declared,
)
from privacy.roles import Role

pytestmark = pytest.mark.django_db

STATUS_OUTCOMES = {
    200: Outcome.ALLOWED,
    400: Outcome.BAD_REQUEST,
    401: Outcome.UNAUTHORISED,
    403: Outcome.FORBIDDEN,
    404: Outcome.NOT_FOUND,
    405: Outcome.METHOD_NOT_ALLOWED,
    503: Outcome.UNAVAILABLE,
}
# Rows an answered request may write whatever it answers: the session, django-axes'
# count of failed sign-ins, the access record's entry of a refusal (that is its job).
CHANGES_ALLOWED = {"django_session", "axes_accessattempt", "axes_accesslog"}
# Rows an address that is refused may not change: every other table.
TOKEN = "AbCdEf0123456789xyz"  # a token no link ever carried


@dataclass(frozen=True)
class Seat:
    """One visitor of the matrix: its kind, its role when staff, and its browser."""

    visitor: Visitor
    role: Role | None
    client: Client

    @property
    def label(self) -> str:
        return f"staff:{self.role.value}" if self.role else self.visitor.value


@pytest.fixture
def world(settings: Any) -> World:
    settings.FEJZO_STAFF_2FA = True
    return world_build()


# One test per visitor, so a failure names them and the runs spread over the workers.
SEATS = [*(v.value for v in Visitor if v is not Visitor.STAFF), *(f"staff:{r.value}" for r in Role)]


@pytest.fixture(params=SEATS)
def seat(request: pytest.FixtureRequest, world: World) -> Seat:
    label: str = request.param
    if label.startswith("staff:"):
        role = Role(label.removeprefix("staff:"))
        return Seat(Visitor.STAFF, role, client_for_staff(world.staff[role]))
    visitor = Visitor(label)
    client = {
        Visitor.ANONYMOUS: client_for_anonymous,
        Visitor.OWNER: lambda: client_for_customer(world.owner),
        Visitor.OTHER_CUSTOMER: lambda: client_for_customer(world.other),
        Visitor.CONTRACTOR: lambda: client_for_contractor(world),
    }[visitor]()
    return Seat(visitor, None, client)


def _admin_model_row(route: str, world: World) -> Any:
    match = re.match(r"^zyra/(\w+)/(\w+)/", route)
    if match is None:
        return None
    key = (match[1], match[2])
    if key not in world.rows:
        try:
            model = apps.get_model(*key)
        except LookupError:
            return None  # one of the site's own pages (zyra/password_change/)
        table = model in admin.site._registry and model._meta.managed
        assert not table, f"the matrix's world holds no {key[0]}.{key[1]}: add one"
        return None
    return world.rows[key]


def _kwargs(entry: DeclaredPattern, world: World) -> dict[str, Any]:
    """Return the URL's arguments, naming A's objects: the matrix's sample of each kind."""
    row = _admin_model_row(entry.route, world)
    samples: dict[str, Any] = {
        "object_id": row.pk if row is not None else None,
        "pk": world.device.pk,
        "photo_id": world.photo.pk,
        "document_id": world.legal_document.pk,
        "subject_id": world.owner.pk,
        "address_id": world.address_id,
        "case_id": world.case.pk,
        "job_id": world.job.pk,
        "token": world.order.public_id if entry.name.startswith("orders:") else TOKEN,
        "uidb64": urlsafe_base64_encode(force_bytes(world.owner.pk)),
        "key": TOKEN,
        "slug": _slug(entry, world),
        "document": "privatesia",
        "number": 1,
        "name": world.photo.photo,
        "content_type_id": ContentType.objects.get_for_model(type(world.order)).pk,
        "app_label": "orders",
        "url": "nuk-ekziston/",
        "rest": f"erasurerequest/{world.owner.pk}/change/",
        "id": world.owner.pk,
    }
    names = set(entry.pattern.pattern.converters) | set(re.findall(r"\(\?P<(\w+)>", entry.route))
    if entry.name == "admin:view_on_site":
        samples["object_id"] = world.order.pk
    missing = names - samples.keys()
    assert not missing, f"{entry.route}: no sample for {missing}; add one to _kwargs"
    return {name: samples[name] for name in names}


def _slug(entry: DeclaredPattern, world: World) -> str:
    product = world.order.lines.first().product  # type: ignore[union-attr]
    return product.category.slug if entry.name == "catalog:category" else product.slug


def _path(entry: DeclaredPattern, world: World) -> str:
    kwargs = _kwargs(entry, world)
    if entry.pattern.name:
        return reverse(entry.name, kwargs=kwargs)
    route = entry.route
    if "(?P<" in route:  # an unnamed regex: its literal start and the sample
        literal = route.split("(?P<", 1)[0].replace("^", "")
        (value,) = kwargs.values()
        return f"/{literal}{value}"
    for name, value in kwargs.items():
        route = re.sub(rf"<(\w+:)?{name}>", str(value), route)
    return "/" + route


def _sign_in_paths() -> set[str]:
    return {reverse("accounts:login"), reverse("contractors:sign_in"), reverse("admin:login")}


def _outcome(response: Any, sign_in: set[str]) -> str:
    if response.status_code in (301, 302):
        target = urlsplit(response["Location"]).path
        return Outcome.SIGN_IN if target in sign_in else Outcome.REDIRECT
    return STATUS_OUTCOMES.get(response.status_code, f"status {response.status_code}")


def _declared() -> Iterator[DeclaredPattern]:
    yield from patterns_declared()


def test_p5_every_url_pattern_declares_who_may_reach_it() -> None:
    undeclared = [entry.route or "/" for entry in _declared() if entry.audience is None]

    assert undeclared == [], (
        "These addresses declare no audience: wrap them in core.access_matrix.audience() "
        f"beside the pattern: {undeclared}"
    )


def test_p5_p9_p10_every_address_answers_each_visitor_as_declared(world: World, seat: Seat) -> None:
    sign_in = _sign_in_paths()
    wrong: list[str] = []
    for entry in _declared():
        if entry.audience is None:
            continue
        path = _path(entry, world)
        expected = entry.audience.expected(seat.visitor, role=seat.role)
        got = _outcome(seat.client.get(path), sign_in)
        if not expected.admits(got):
            wrong.append(f"{path} [{entry.name}] {seat.label}: declared {expected}, got {got}")

    assert wrong == [], "\n".join(["", *wrong])


def _table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            if table in CHANGES_ALLOWED:
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the schema
            counts[table] = cursor.fetchone()[0]
    return counts


def test_p5_p10_a_refused_visitor_posting_changes_nothing(world: World, seat: Seat) -> None:
    sign_in = _sign_in_paths()
    before = _table_counts()
    wrong: list[str] = []
    for entry in _declared():
        if entry.audience is None:
            continue
        if entry.audience.expected(seat.visitor, role=seat.role) not in REFUSED:
            continue
        path = _path(entry, world)
        got = _outcome(seat.client.post(path, {}), sign_in)
        if got not in REFUSED and got != Outcome.METHOD_NOT_ALLOWED:
            wrong.append(f"POST {path} [{entry.name}] {seat.label}: got {got}")

    assert wrong == [], "\n".join(["", *wrong])
    changed = {
        table: (count, after)
        for (table, count), after in zip(before.items(), _table_counts().values(), strict=True)
        if count != after
    }
    assert changed == {}, f"refused POSTs changed rows: {force_str(changed)}"


def _page(request: Any) -> Any:
    raise AssertionError("never requested")  # pragma: no cover


def test_p5_a_pattern_added_without_a_declaration_is_found() -> None:
    # given: an address someone adds later without a declaration, one under a resolver
    # whose rule knows nothing of it, and one declared
    later = path("nova-faqe/", _page, name="later")
    ruled = audience(
        path("pjese/", include(([path("e-panjohur/", _page, name="unknown")], "part"))),
        lambda name, pattern: PUBLIC if name == "part:known" else None,
    )
    declared = audience(path("e-deklaruar/", _page, name="declared"), PUBLIC)

    # when: the walk reads them
    found = {entry.name: entry.audience for entry in patterns_declared([later, ruled, declared])}

    # then: the first two have no audience, and the matrix fails on them
    assert found == {"later": None, "part:unknown": None, "declared": PUBLIC}


def test_p5_a_resolver_declaration_reaches_the_patterns_under_it() -> None:
    inner = [path("a/", _page, name="a"), path("b/", _page, name="b")]
    outer = audience(path("jashte/", include((inner, "inner"))), everyone(Outcome.NOT_FOUND))

    found = {entry.name: entry.audience for entry in patterns_declared([outer])}

    assert found == {"inner:a": everyone(Outcome.NOT_FOUND), "inner:b": everyone(Outcome.NOT_FOUND)}
