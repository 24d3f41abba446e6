"""The shop's favicon: linked from the storefront and the back office, served from our origin."""

from __future__ import annotations

import re

import pytest
from django.templatetags.static import static
from django.test import Client, override_settings
from django.urls import reverse

from privacy.roles import Role
from staff.tests.factories import StaffFactory

FAVICON = static("img/favicon.svg")


def _icon_link(html: str) -> str:
    match = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert match, "no favicon link in the page's head"
    assert html.index(match.group(0)) < html.index("</head>")
    return match.group(1)


@pytest.mark.django_db
def test_the_storefront_links_the_favicon(client):
    assert _icon_link(client.get("/").content.decode()) == FAVICON


@pytest.mark.django_db
def test_the_back_office_links_the_same_favicon(client):
    login = client.get(reverse("admin:login")).content.decode()
    assert _icon_link(login) == FAVICON
    client.force_login(StaffFactory(role=Role.CUSTOMER_CARE))
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert _icon_link(page) == FAVICON


@pytest.mark.django_db
def test_the_favicon_is_served_from_static():
    # WhiteNoise reads its settings when the middleware starts: a fresh client, told to
    # find files where runserver and collectstatic do.
    with override_settings(WHITENOISE_USE_FINDERS=True):
        response = Client().get(FAVICON)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"<svg") and b"3V" in body
    assert b"http" not in body.replace(b"http://www.w3.org/2000/svg", b"")
