from django.contrib import admin

from policy.models import PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["kind", "version", "language", "effective_date", "is_translation"]
    list_filter = ["kind", "language"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # A published version is a record of what people agreed to: never edited in place.
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
