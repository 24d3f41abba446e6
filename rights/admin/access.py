from __future__ import annotations

from django.contrib import admin

from privacy.audit import CANONICAL_COLUMNS
from privacy.models import AccessEntry
from staff.admin_base import ReadOnlyAdmin


@admin.register(AccessEntry)
class AccessEntryAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    """The access record, for the data-protection officer: read-only, like the table."""

    list_display = [
        "seq",
        "at",
        "actor_kind",
        "actor_label",
        "actor_id",
        "subject_id",
        "action",
        "basis",
        "reference",
    ]
    list_filter = ["action", "basis", "actor_kind"]
    search_fields = ["=subject__id", "=actor__id", "reference"]
    date_hierarchy = "at"
    show_full_result_count = False
    # What the hash covers, then the hashes: the page shows exactly what audit_verify checks.
    fields = readonly_fields = (*CANONICAL_COLUMNS, "prev_hash", "entry_hash")
