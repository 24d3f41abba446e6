from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Address, User
from staff.admin_base import PersonalDataAdmin


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = ["municipality", "street", "courier_notes", "is_default"]


@admin.register(User)
class UserAdmin(PersonalDataAdmin, DjangoUserAdmin):
    ordering = ["-date_joined"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "is_staff",
        "email_verified_at",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["date_joined", "last_login", "email_verified_at"]
    inlines = [AddressInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Të dhënat personale"), {"fields": ("first_name", "last_name", "phone", "language")}),
        (
            _("Leje"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Data"), {"fields": ("date_joined", "last_login", "email_verified_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "password1", "password2"),
            },
        ),
    )
