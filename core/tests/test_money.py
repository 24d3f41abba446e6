from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.money import format_lek, vat_included
from core.phone import normalise_phone


@given(st.integers(min_value=1, max_value=50_000_000))
def test_vat_is_a_sixth_of_a_vat_inclusive_price_to_the_lek(gross):
    vat = vat_included(gross)
    assert abs(vat - gross / 6) <= 0.5
    assert 0 <= vat < gross


def test_lek_formatting():
    assert format_lek(129_999) == "129\u00a0999\u00a0L"
    assert format_lek(990) == "990\u00a0L"


@given(
    prefix=st.sampled_from(["67", "68", "69"]),
    subscriber=st.integers(min_value=2_000_000, max_value=9_999_999),
    style=st.sampled_from(["0{p} {a} {b}", "+355 {p} {a} {b}", "00355{p}{a}{b}", "0{p}{a}{b}"]),
)
def test_every_common_way_of_writing_a_mobile_number_gives_one_e164(prefix, subscriber, style):
    digits = str(subscriber)
    written = style.format(p=prefix, a=digits[:3], b=digits[3:])
    assert normalise_phone(written) == f"+355{prefix}{digits}"
