from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.phone import is_albanian_phone, normalise_phone, validate_delivery_phone


@pytest.mark.parametrize(
    "typed", ["069 123 4567", "+355 69 123 4567", "00355691234567", "04 222 3344"]
)
def test_albanian_numbers_pass_as_delivery_phones(typed):
    e164 = normalise_phone(typed)
    assert is_albanian_phone(e164)
    validate_delivery_phone(e164)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("+39 312 345 6789", "+393123456789"),
        ("+44 7911 123456", "+447911123456"),
        ("0049 151 23456789", "+4915123456789"),
        ("+389 70 123 456", "+38970123456"),
    ],
)
def test_foreign_numbers_are_valid_contact_phones_but_no_delivery_phones(typed, e164):
    # given: a foreign number is still a valid number to reach the customer by
    assert normalise_phone(typed) == e164
    assert not is_albanian_phone(e164)
    # then: the courier cannot use it, and says so in Albanian
    with pytest.raises(ValidationError) as refused:
        validate_delivery_phone(e164)
    assert refused.value.code == "not_albanian"
    assert "duhet të jetë shqiptar (+355)" in refused.value.messages[0]


@pytest.mark.parametrize("stored", ["", "not a number"])
def test_an_empty_or_broken_value_is_no_albanian_phone(stored):
    assert not is_albanian_phone(stored)
