"""P6: the account pages' "next" is an address, never a view name (found by the fuzz).

A `next` with no slash (an emoji, a word) reached shortcuts.redirect(), which tried to
reverse it as a view name and failed with a 500 after the address was saved.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Address, User
from accounts.tests.factories import UnverifiedUserFactory


@pytest.mark.parametrize("next_value", ["👩🏽‍🔧🇦🇱", "adresat", "accounts:profile"])
def test_p6_a_next_that_is_no_address_never_breaks_saving_an_address(
    customer_client: Client, customer: User, next_value: str
) -> None:
    # when the customer saves an address with a "next" that names no address
    response = customer_client.post(
        reverse("accounts:address_add"),
        {"municipality": "tirane", "street": "Rr. Myslym Shyri 10", "next": next_value},
    )
    # then the address is saved and the answer is a redirect, not a server error
    assert response.status_code == 302
    assert Address.objects.filter(user=customer).count() == 1


@pytest.mark.parametrize("next_value", ["👩🏽‍🔧🇦🇱", "accounts:profile"])
def test_p6_a_next_that_is_no_address_never_breaks_resending_the_link(
    client: Client, db: Any, next_value: str
) -> None:
    # given a signed-in account whose address is not verified yet
    client.force_login(UnverifiedUserFactory())
    # when it asks for the link again with a "next" that names no address
    response = client.post(reverse("accounts:resend_verification"), {"next": next_value})
    # then the answer is a redirect, not a server error
    assert response.status_code == 302
