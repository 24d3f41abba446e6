"""The erasure queue's and the holds' list filters."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rights.admin.display import QUEUE_STATES
from rights.models import OPEN_ERASURE_STATES, ErasureRequest, ErasureState, LegalHold

QUEUE = "radha"
EVERYTHING = "te-gjitha"


class QueueFilter(admin.SimpleListFilter):
    """The state, with the queue (open and held requests) chosen when nothing is."""

    title = _("gjendja")
    parameter_name = "gjendja"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            (QUEUE, _("Në radhë: të hapura dhe me bllokim")),
            *ErasureState.choices,
            (EVERYTHING, _("Të gjitha")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[ErasureRequest]
    ) -> QuerySet[ErasureRequest]:
        value = self.value()
        if value == EVERYTHING:
            return queryset
        if value in ErasureState.values:
            return queryset.filter(state=value)
        return queryset.filter(state__in=QUEUE_STATES)

    def choices(self, changelist: Any) -> Any:
        current = self.value() if self.value() in dict(self.lookup_choices) else QUEUE
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class OverdueFilter(admin.SimpleListFilter):
    title = _("afati")
    parameter_name = "afati"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("me-vonese", _("Me vonesë")), ("brenda", _("Brenda afatit"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[ErasureRequest]
    ) -> QuerySet[ErasureRequest]:
        late = {"state__in": OPEN_ERASURE_STATES, "due_at__lt": timezone.now()}
        if self.value() == "me-vonese":
            return queryset.filter(**late)
        if self.value() == "brenda":
            return queryset.exclude(**late)
        return queryset


class HoldStateFilter(admin.SimpleListFilter):
    title = _("gjendja")
    parameter_name = "gjendja"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("aktive", _("Aktive")),
            ("per-rishikim", _("Aktive, për t'u rishikuar")),
            ("hequr", _("Të hequra")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[LegalHold]) -> QuerySet[LegalHold]:
        if self.value() == "aktive":
            return queryset.filter(lifted_at__isnull=True)
        if self.value() == "per-rishikim":
            return queryset.filter(lifted_at__isnull=True, review_on__lte=timezone.localdate())
        if self.value() == "hequr":
            return queryset.filter(lifted_at__isnull=False)
        return queryset


class AutomaticFilter(admin.SimpleListFilter):
    title = _("vendosur nga")
    parameter_name = "vendosur-nga"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("sistemi", _("Sistemi")), ("stafi", _("Stafi"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[LegalHold]) -> QuerySet[LegalHold]:
        if self.value() == "sistemi":
            return queryset.filter(automatic=True)
        if self.value() == "stafi":
            return queryset.filter(automatic=False)
        return queryset
