"""P5: what staff see of a value without a purpose."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from privacy.masking import mask_email, mask_name, mask_phone, mask_street, masked
from privacy.registry import Mask


def test_p5_masks_match_the_documented_formats():
    assert mask_name("Arta Hoxha") == "A*** H***"
    assert mask_phone("+355691234567") == "+355 69 *** **67"
    assert mask_street("Rr. Myslym Shyri 10") == "Rr. ***"
    assert mask_street("Bulevardi Zogu I 5") == "***"
    assert mask_email("arta.hoxha@gmail.com") == "a***@g***.com"
    assert masked("Kati 3, zilja e dytë", Mask.TEXT) == "***"
    assert masked("", Mask.NAME) == ""


@given(st.from_regex(r"\+3556[7-9][0-9]{7}", fullmatch=True))
def test_p5_a_masked_phone_keeps_no_more_than_four_national_digits(number):
    shown = mask_phone(number)
    national = number.removeprefix("+355")
    assert sum(char.isdigit() for char in shown) - 3 == 4
    assert national[2:-2] not in shown


@given(
    st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzëç", min_size=2, max_size=12),
        min_size=1,
        max_size=3,
    )
)
def test_p5_a_masked_name_shows_one_letter_a_word(words):
    name = " ".join(word.capitalize() for word in words)
    shown = mask_name(name)
    assert sum(char.isalpha() for char in shown) == len(words)
