from __future__ import annotations

from django.contrib import admin

from mail.models import OutboxMessage
from staff.admin_base import PersonalDataAdmin, ReadOnlyAdmin


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin, PersonalDataAdmin):
    list_display = [
        "created_at",
        "kind",
        "to_address",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
    ]
    list_filter = ["kind", "status"]
    fields = readonly_fields = (
        "kind",
        "status",
        "to_address",
        "subject",
        "language",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    )
