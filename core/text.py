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


def visible_text(text: str) -> str:
    """Return the text without invisible characters, its whitespace collapsed to single spaces."""
    kept = (
        char
        for char in text
        if char.isspace() or unicodedata.category(char) not in INVISIBLE_CATEGORIES
    )
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
