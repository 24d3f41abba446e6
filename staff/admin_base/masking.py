"""Masked columns and per-request access decisions, shared by model admins and inlines (P5)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from privacy.masking import masked
from privacy.registry import PersonalField, registry
from staff.access import WHOLE_CUSTOMER, AccessDecision, Scope, access_decision

MASKED_PREFIX = "masked__"


def _masked_reader(name: str, entry: PersonalField, label: Any) -> Callable[[Any], str]:
    def read(obj: Any) -> str:
        if obj is None:
            return ""
        # A choice reads by its label: a municipality by its name, not its slug.
        display = getattr(obj, f"get_{name}_display", None)
        return masked(display() if callable(display) else getattr(obj, name, ""), entry.mask)

    read.short_description = label  # type: ignore[attr-defined]
    return read


class PersonalDataMasking:
    """What a model admin and an inline share: masked columns and per-request decisions."""

    model: type[models.Model]

    @property
    def personal_fields(self) -> dict[str, PersonalField]:
        return registry.fields_of(self.model)

    def __getattr__(self, name: str) -> Any:
        if name.startswith(MASKED_PREFIX):
            field_name = name.removeprefix(MASKED_PREFIX)
            entry = self.personal_fields.get(field_name)
            if entry is not None:
                label = getattr(self.model._meta.get_field(field_name), "verbose_name", "")
                return _masked_reader(field_name, entry, label)
        raise AttributeError(name)

    def purpose_scope(self, obj: Any) -> Scope:
        """Return what the page of `obj` is about; the whole customer unless overridden."""
        return WHOLE_CUSTOMER

    def decision_for(self, request: HttpRequest, subject_of: Any) -> AccessDecision | None:
        """Return this request's decision about the person `subject_of` is about (cached)."""
        declaration = registry.of(type(subject_of))
        subject_id = declaration.subject_id_of(subject_of) if declaration else None
        if subject_id is None:
            return None
        scope = self.purpose_scope(subject_of)
        cache: dict[tuple[int, Scope], AccessDecision] = request.__dict__.setdefault(
            "_personal_data", {}
        )
        if (subject_id, scope) not in cache:
            cache[(subject_id, scope)] = access_decision(
                request.user, subject_id, session=getattr(request, "session", None), scope=scope
            )
        return cache[(subject_id, scope)]

    def revealed(self, request: HttpRequest, subject_of: Any) -> set[str]:
        decision = self.decision_for(request, subject_of)
        return {
            name
            for name, entry in self.personal_fields.items()
            if decision is not None and decision.reveals(entry.category)
        }

    def mask_names(self, names: Sequence[Any], shown: set[str]) -> list[Any]:
        return [
            f"{MASKED_PREFIX}{name}"
            if isinstance(name, str) and name in self.personal_fields and name not in shown
            else name
            for name in names
        ]


class PersonalDataInline(PersonalDataMasking, admin.TabularInline):  # type: ignore[type-arg]
    """An inline of rows about the parent's person: masked unless the parent is revealed."""

    extra = 0
    can_delete = False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[Any]:  # type: ignore[override]
        fields = super().get_fields(request, obj)
        shown = self.revealed(request, obj) if obj is not None else set()
        return self.mask_names(fields, shown)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[Any]:  # type: ignore[override]
        return list(self.get_fields(request, obj))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
