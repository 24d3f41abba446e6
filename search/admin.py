"""The back office's synonym list: staff teach the search the words shoppers use."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from search.models import Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "expansions", "updated_at"]
    search_fields = ["term", "expansions"]
    ordering = ["term"]
    fieldsets = [
        (
            None,
            {
                "fields": ["term", "expansions"],
                "description": _(
                    "Kur dikush kërkon fjalën e parë, gjenden edhe produktet me fjalët e "
                    "dyta. Ndryshimi vlen menjëherë."
                ),
            },
        )
    ]
