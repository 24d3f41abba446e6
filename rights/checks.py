"""System checks that keep what apps register agreeing with the rights models."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.core.exceptions import FieldDoesNotExist

from privacy.erasure_steps import OPEN_WORK
from rights.models import HoldKind, HoldScope, LegalHold


@register()
def check_open_work_names_a_hold(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Each kind of open work an app registered names a legal hold's column and kind.

    Otherwise the erasure would fail, in its transaction, on the first person with such
    work; better `manage.py check` says so at start-up.
    """
    errors = []
    for work in OPEN_WORK:
        label = work.model._meta.label
        try:
            field = LegalHold._meta.get_field(work.hold_field)
        except FieldDoesNotExist:
            field = None
        if field is None or field.related_model is not work.model:
            errors.append(
                Error(
                    f"Open work of {label} names hold_field={work.hold_field!r}, which is "
                    f"not a LegalHold column pointing at {label}.",
                    obj=work.model,
                    id="rights.E001",
                )
            )
        if work.hold_field not in HoldScope.values or work.hold_kind not in HoldKind.values:
            errors.append(
                Error(
                    f"Open work of {label} names a hold scope or kind the rights app does not "
                    f"know ({work.hold_field!r}, {work.hold_kind!r}).",
                    hint=f"Kinds: {', '.join(HoldKind.values)}.",
                    obj=work.model,
                    id="rights.E002",
                )
            )
    return errors
