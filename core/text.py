"""Free text that staff type as a reason, read for what a person can actually see.

A reason is a safeguard only if the data-protection officer and the customer can read
it. Zero-width spaces, direction marks and other format characters show as nothing,
and a row of dots says nothing, so a reason is measured in letters, after removing
what is invisible.
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Format, control (other than whitespace), private-use, unassigned and surrogate code
# points: none of them shows as a character of its own.
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Co", "Cn", "Cs"})
# Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt): shown as
# nothing, though some (the Hangul fillers) are letters by category.
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)


def _invisible(char: str) -> bool:
    if char.isspace():
        return False
    point = ord(char)
    if any(low <= point <= high for low, high in DEFAULT_IGNORABLE):
        return True
    return unicodedata.category(char) in INVISIBLE_CATEGORIES


def visible_text(text: str) -> str:
    """Return the text without invisible characters, its whitespace collapsed to single spaces."""
    kept = (char for char in text if not _invisible(char))
    return " ".join("".join(kept).split())


def letter_count(text: str) -> int:
    """Return how many letters the text has, in any script; digits and marks do not count."""
    return sum(1 for char in visible_text(text) if unicodedata.category(char).startswith("L"))


def has_visible_letters(text: str, *, minimum: int) -> bool:
    return letter_count(text) >= minimum


class ReasonField(forms.CharField):
    """A typed reason: stored as it reads, refused unless it has `min_letters` letters."""

    def __init__(self, *, min_letters: int, **kwargs: object) -> None:
        self.min_letters = min_letters
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_python(self, value: object) -> str:
        return visible_text(str(super().to_python(value)))

    def validate(self, value: object) -> None:
        super().validate(value)
        if value and letter_count(str(value)) < self.min_letters:
            raise ValidationError(
                _("Shkruani arsyen me fjalë, të paktën %(count)d shkronja."),
                code="too_few_letters",
                params={"count": self.min_letters},
            )
