"""The customer changelist in clear: UserAdmin's list options, without masking."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bench.plain_customers.models import PlainCustomer
from staff.admin.accounts import UserAdmin
from staff.admin_base import PersonalDataAdmin


@admin.register(PlainCustomer)
class PlainCustomerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # Taken from the real admin, so the two pages differ only in encryption and masking.
    ordering = UserAdmin.ordering
    list_display = UserAdmin.list_display
    list_filter = UserAdmin.list_filter
    search_fields = UserAdmin.search_fields
    show_facets = UserAdmin.show_facets
    list_per_page = PersonalDataAdmin.list_per_page
    show_full_result_count = PersonalDataAdmin.show_full_result_count
    search_help_text = PersonalDataAdmin.search_help_text

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
