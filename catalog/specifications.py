"""What a product's specifications may hold, and how the storefront reads them.

The shape is a JSON list of rows, one per line of the product page's table:
``[{"sq": "Ekrani", "en": "Screen", "value": "55\\""}]``. ``sq`` and ``value`` are
non-empty text; ``en`` is text and may be empty or missing (the page then shows the
Albanian label). Saves through ``full_clean`` refuse anything else with a message per
row; a value that reached the database some other way is read row by row, and only
the valid rows are shown.
"""

from __future__ import annotations

import logging
from enum import Enum
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

REQUIRED_TEXT = ("sq", "value")
OPTIONAL_TEXT = ("en",)
KEYS = frozenset((*REQUIRED_TEXT, *OPTIONAL_TEXT))

NOT_A_LIST_MESSAGE = _(
    'Specifikimet shkruhen si listë JSON, p.sh. [{"sq": "Ekrani", "en": "Screen", '
    '"value": "55 inç"}]; për asnjë specifikim shkruani [].'
)


class RowProblem(Enum):
    """Why one specification row cannot be shown; each has the message staff see."""

    NOT_AN_OBJECT = "not_an_object"
    UNKNOWN_KEYS = "unknown_keys"
    MISSING_TEXT = "missing_text"
    EN_NOT_TEXT = "en_not_text"

    @property
    def message(self) -> Any:
        return ROW_MESSAGES[self]


ROW_MESSAGES = {
    RowProblem.NOT_AN_OBJECT: _(
        "Rreshti %(number)d duhet të jetë një objekt JSON me çelësat „sq“, „en“ dhe "
        '„value“, p.sh. {"sq": "Ekrani", "en": "Screen", "value": "55 inç"}.'
    ),
    RowProblem.UNKNOWN_KEYS: _(
        "Rreshti %(number)d ka çelësa të panjohur (%(keys)s); lejohen vetëm „sq“, „en“ dhe „value“."
    ),
    RowProblem.MISSING_TEXT: _(
        "Rreshti %(number)d duhet të ketë „sq“ dhe „value“ me tekst jo bosh; numrat "
        'shkruhen në thonjëza, p.sh. "value": "55".'
    ),
    RowProblem.EN_NOT_TEXT: _(
        "Rreshti %(number)d: „en“ duhet të jetë tekst (ose bosh, kur emri shqip mjafton)."
    ),
}


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def specification_row_problem(row: object) -> RowProblem | None:
    """Return why ``row`` is not a valid specification row, or None when it is."""
    if not isinstance(row, dict):
        return RowProblem.NOT_AN_OBJECT
    if set(row) - KEYS:
        return RowProblem.UNKNOWN_KEYS
    if not all(_is_text(row.get(key)) for key in REQUIRED_TEXT):
        return RowProblem.MISSING_TEXT
    if not isinstance(row.get("en", ""), str):
        return RowProblem.EN_NOT_TEXT
    return None


def validate_specifications(value: object) -> None:
    """Refuse anything but a list of valid rows, saying what is wrong with each row."""
    if not isinstance(value, list):
        raise ValidationError(NOT_A_LIST_MESSAGE, code="not_a_list")
    errors = []
    for number, row in enumerate(value, start=1):
        problem = specification_row_problem(row)
        if problem is None:
            continue
        params: dict[str, Any] = {"number": number}
        if problem == RowProblem.UNKNOWN_KEYS:
            params["keys"] = ", ".join(sorted(f"„{key}“" for key in set(row) - KEYS))
        errors.append(ValidationError(problem.message, code=problem.value, params=params))
    if errors:
        raise ValidationError(errors)


def specification_rows(value: object, *, product_id: int | None) -> list[dict[str, str]]:
    """Return the valid rows of a stored value, logging what had to be left out."""
    if value == []:
        return []
    if not isinstance(value, list):
        logger.warning(
            "Product %s: specifications are not a list (%s); none are shown.",
            product_id,
            type(value).__name__,
        )
        return []
    rows = [row for row in value if specification_row_problem(row) is None]
    if len(rows) < len(value):
        logger.warning(
            "Product %s: %d of %d specification rows are malformed and not shown.",
            product_id,
            len(value) - len(rows),
            len(value),
        )
    return rows
