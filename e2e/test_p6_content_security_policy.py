"""P6: the back office works in a real browser under the strict CSP, scripts included.

The `open_page` fixture fails any test whose pages trip the policy; this test visits
the admin pages whose JavaScript matters most and checks that the scripts ran.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory

if TYPE_CHECKING:
    from e2e.conftest import PageOpener

pytestmark = pytest.mark.browser


def _signed_in(open_page: PageOpener, live_server: Any, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    page = open_page()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_p6_admin_forms_run_their_scripts_under_the_policy(
    open_page: PageOpener, live_server: Any
) -> None:
    administrator = UserFactory(is_staff=True, is_superuser=True)
    product = ProductFactory()
    page = _signed_in(open_page, live_server, administrator)

    # The add form: prepopulate.js fills the slug from the name as it is typed.
    page.goto(live_server.url + "/zyra/catalog/brand/add/")
    page.locator("#id_name").press_sequentially("Bosch Shtëpi")
    expect(page.locator("#id_slug")).to_have_value("bosch-shtepi")

    # The change form: jQuery, select2 autocompletes and the date-free widgets load.
    page.goto(live_server.url + f"/zyra/catalog/product/{product.pk}/change/")
    expect(page.locator(".select2-container").first).to_be_visible()
    assert page.evaluate("() => typeof window.django === 'object' && !!window.django.jQuery")

    # The change list with its action bar and the index with the navigation sidebar.
    page.goto(live_server.url + "/zyra/catalog/product/")
    expect(page.locator("#result_list")).to_be_visible()
    page.goto(live_server.url + "/zyra/")
    expect(page.locator("#content-main")).to_be_visible()


def test_p6_staff_enrolment_page_shows_its_qr_code_under_the_policy(
    open_page: PageOpener, live_server: Any, settings: Any
) -> None:
    settings.FEJZO_STAFF_2FA = True
    page = _signed_in(open_page, live_server, UserFactory(is_staff=True))

    page.goto(live_server.url + "/zyra/")

    expect(page).to_have_url(re.compile(r"/zyra/2fa/\?next="))
    expect(page.locator(".two-factor-qr svg")).to_be_visible()
    expect(page.get_by_label("Kodi i verifikimit")).to_be_visible()
