"""The one base every back-office page that shows customers' personal data builds on.

Keeping them together is what lets purpose-bound masking (P5) be added in one place.
No bulk export exists here, and the bulk delete action is removed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class PersonalDataAdmin(admin.ModelAdmin):
    list_per_page = 50
    show_full_result_count = False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
