"""P14: the breach register's pages, the officer's alone; the 72-hour clock shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from breaches.models import Breach
from breaches.services import BreachDetails, breach_register
from breaches.tests.conftest import PHONE, staff_member
from privacy.registry import Category
from privacy.roles import Role

pytestmark = pytest.mark.django_db

INCIDENT = "Një llogari shitjesh u përdor nga dikush tjetër."


def _breach(dpo, *, discovered_at=None):  # type: ignore[no-untyped-def]
    return breach_register(
        details=BreachDetails(
            incident=INCIDENT,
            discovered_at=discovered_at or timezone.now() - timedelta(hours=1),
            categories=[Category.CONTACT],
            field_names=[PHONE],
        ),
        actor=dpo,
    )


def _form(**overrides):  # type: ignore[no-untyped-def]
    now = timezone.localtime()
    data = {
        "incident": INCIDENT,
        "discovered_at": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "occurred_from": (now - timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"),
        "occurred_to": (now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "categories": [Category.CONTACT.value],
        "field_names": [PHONE],
    }
    data.update(overrides)
    return data


def test_p14_the_officer_registers_a_breach(dpo_client):
    response = dpo_client.post(reverse("admin:breaches_breach_add"), _form())
    assert response.status_code == 302
    breach = Breach.objects.get()
    assert breach.categories == ["contact"] and breach.field_names == [PHONE]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {
                "discovered_at": (timezone.localtime() + timedelta(days=1)).strftime(
                    "%Y-%m-%dT%H:%M"
                )
            },
            "Koha e zbulimit nuk mund të jetë në të ardhmen.",
        ),
        (
            {
                "occurred_from": (timezone.localtime() - timedelta(hours=3)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                "occurred_to": (timezone.localtime() - timedelta(hours=6)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
            },
            "Fillimi i periudhës duhet të jetë para fundit të saj.",
        ),
        ({"categories": []}, "Zgjidhni të paktën një kategori të dhënash të prekura."),
        ({"field_names": ["accounts.User.password"]}, "accounts.User.password"),
    ],
)
def test_p14_bad_input_is_refused_with_a_clear_message_and_changes_nothing(
    dpo_client, overrides, message
):
    response = dpo_client.post(reverse("admin:breaches_breach_add"), _form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Breach.objects.exists()


def test_p14_the_clock_is_shown_on_the_breach_page(dpo, dpo_client, monkeypatch):
    discovered = timezone.now() - timedelta(hours=1)
    breach = _breach(dpo, discovered_at=discovered)
    # given a clock 30 hours and 15 minutes after discovery
    monkeypatch.setattr(
        "breaches.admin.clock_now", lambda: discovered + timedelta(hours=30, minutes=15)
    )
    html = dpo_client.get(reverse("admin:breaches_breach_change", args=[breach.pk])).content
    page = html.decode()
    assert 'data-clock="running"' in page
    assert "Mbeten 41 orë e 45 minuta për të njoftuar IDP-në" in page
    # and 73 hours after, it is overdue
    monkeypatch.setattr("breaches.admin.clock_now", lambda: discovered + timedelta(hours=73))
    page = dpo_client.get(
        reverse("admin:breaches_breach_change", args=[breach.pk])
    ).content.decode()
    assert 'data-clock="overdue"' in page
    assert "Afati për të njoftuar IDP-në kaloi 1 orë më parë" in page


def test_p14_the_officers_landing_page_lists_open_breaches_with_their_clock(dpo, dpo_client):
    breach = _breach(dpo, discovered_at=timezone.now() - timedelta(hours=70))
    page = dpo_client.get(reverse("admin:index")).content.decode()
    assert "Cenimet e sigurisë" in page
    assert f"#{breach.pk}" in page
    assert "Mbeten 1 orë" in page or "Mbeten 2 orë" in page


def test_p14_the_officer_computes_the_people_from_the_page(dpo, dpo_client, reveal):
    breach = _breach(dpo)
    suspect = staff_member(Role.SALES)
    target, decoy = UserFactory(), UserFactory()
    at = timezone.now() - timedelta(hours=3)
    reveal(actor=suspect, subject=target, fields=[PHONE], at=at)
    reveal(actor=suspect, subject=decoy, fields=["accounts.User.email"], at=at)
    start = timezone.localtime(at - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    end = timezone.localtime(at + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    url = reverse("admin:breaches_breach_revealed", args=[breach.pk])
    response = dpo_client.post(
        url, {"staff_account": suspect.pk, "field_names": [PHONE], "start": start, "end": end}
    )
    assert response.status_code == 302
    assert list(breach.people.values_list("subject_id", flat=True)) == [target.pk]
    # A reversed window is refused with the officer's message, adding nobody.
    reversed_window = dpo_client.post(
        url,
        {"staff_account": suspect.pk, "field_names": [PHONE], "start": end, "end": start},
        follow=True,
    )
    assert (
        "Fillimi i periudhës duhet të jetë para fundit të saj." in reversed_window.content.decode()
    )
    assert breach.people.count() == 1
    page = dpo_client.get(
        reverse("admin:breaches_breach_change", args=[breach.pk])
    ).content.decode()
    assert f"#{target.pk}" in page
    assert target.email not in page and target.phone not in page


@pytest.mark.parametrize(
    "role", [Role.CUSTOMER_CARE, Role.SALES, Role.MARKETING, Role.ADMINISTRATOR, None]
)
def test_p14_other_roles_are_refused_the_register(client, dpo, role):
    breach = _breach(dpo)
    client.force_login(staff_member(role))
    pages = [
        reverse("admin:breaches_breach_changelist"),
        reverse("admin:breaches_breach_add"),
        reverse("admin:breaches_breach_change", args=[breach.pk]),
    ]
    for page in pages:
        assert client.get(page).status_code in (302, 403), page
    posted = client.post(
        reverse("admin:breaches_breach_notices", args=[breach.pk]),
    )
    assert posted.status_code in (302, 403)
    person = UserFactory()
    client.post(
        reverse("admin:breaches_breach_person_add", args=[breach.pk]), {"account": person.pk}
    )
    assert not breach.people.exists()
    assert "Cenimet e sigurisë" not in client.get(reverse("admin:index")).content.decode()


def test_p14_a_superuser_without_the_officers_role_is_refused(client, dpo):
    breach = _breach(dpo)
    client.force_login(staff_member(None, is_superuser=True))
    assert client.get(reverse("admin:breaches_breach_changelist")).status_code == 403
    assert client.get(reverse("admin:breaches_breach_change", args=[breach.pk])).status_code in (
        302,
        403,
    )


def test_p14_a_customer_and_a_visitor_never_reach_the_register(client, dpo):
    breach = _breach(dpo)
    page = reverse("admin:breaches_breach_change", args=[breach.pk])
    assert client.get(page).status_code == 302
    client.force_login(UserFactory())
    response = client.get(page)
    assert response.status_code in (302, 403)
    assert INCIDENT not in response.content.decode()
