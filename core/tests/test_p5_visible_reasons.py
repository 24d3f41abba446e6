"""A reason is counted in the letters a reader can see (P5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.text import ReasonField, letter_count, visible_text

INVISIBLE = [
    "\u200b",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u202e",
    "\u00ad",
    "\u3164",
    "\uffa0",
    "\u115f",
    "\u1160",
    "\U000e0041",
    "\ufe0f",
]


@pytest.mark.parametrize("char", INVISIBLE)
def test_p5_invisible_characters_are_no_letters(char):
    assert letter_count(char * 40) == 0
    assert visible_text(f"a{char}b") == "ab"


@pytest.mark.parametrize(
    "thin", [".....................", "1234567890123456789", "- - - - - - - - - -", "!!!???"]
)
def test_p5_punctuation_and_digits_are_no_letters(thin):
    assert letter_count(thin) == 0


def test_p5_letters_of_any_script_count():
    assert letter_count("Klienti telefonoi për garancinë") == 28
    assert letter_count("Клиент звонил") == 12


def test_p5_a_reason_field_refuses_what_nobody_can_read():
    field = ReasonField(min_letters=15)
    with pytest.raises(Exception, match="15"):
        field.clean("\u3164" * 30 + "." * 10)
    assert field.clean("\u200b Klienti  telefonoi sot \u2060") == "Klienti telefonoi sot"


@given(st.text())
def test_p5_visible_text_never_grows_and_is_stable(text):
    once = visible_text(text)
    assert len(once) <= len(text)
    assert visible_text(once) == once
    assert letter_count(once) == letter_count(text)
