from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from mail.models import OutboxMessage
from staff.admin_base import PersonalDataAdmin


@admin.register(OutboxMessage)
class OutboxMessageAdmin(PersonalDataAdmin):
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
