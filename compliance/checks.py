"""System checks (`manage.py check`): the records of processing are complete (P4)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from compliance.records import records_problems
from core.clauses import enforces


@register()
@enforces("P4", "every declared field names purposes of P4 only, each with the policy's words")
def check_records_complete(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Refuse to start when a field, purpose, role or processor lacks its entry in the records.

    The contractor functions' allow-lists are data, checked when the records are built.
    """
    return [
        Error(problem, hint="See compliance/records.py.", id="compliance.E001")
        for problem in records_problems()
    ]
