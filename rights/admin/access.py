from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from privacy.audit import CANONICAL_COLUMNS
from privacy.models import AccessEntry
from rights.presentation import entry_in_words
from staff.admin_base import ReadOnlyAdmin


@admin.register(AccessEntry)
class AccessEntryAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    """The access record, for the data-protection officer: read-only, like the table.

    Each entry also reads in words: who (a role, or a contractor's company and function),
    for which order or case, and the data by the registry's names (P5, P10).
    """

    list_display = [
        "id",
        "chain",
        "seq",
        "at",
        "in_words",
        "actor_kind",
        "actor_id",
        "subject_id",
        "action",
        "reference",
    ]
    list_filter = ["action", "basis", "actor_kind"]
    search_fields = ["=subject__id", "=actor__id", "reference"]
    date_hierarchy = "at"
    show_full_result_count = False
    # What the hash covers, then the hashes: the page shows exactly what audit_verify checks.
    fields = readonly_fields = (
        "in_words",
        "chain",
        *CANONICAL_COLUMNS,
        "prev_hash",
        "entry_hash",
    )

    @admin.display(description=_("Në fjalë"))
    def in_words(self, entry: AccessEntry) -> str:
        return entry_in_words(entry)
