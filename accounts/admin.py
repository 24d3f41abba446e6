from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Address, User
from staff.admin_base import PersonalDataAdmin, PersonalDataInline


class AddressInline(PersonalDataInline):
    model = Address
    fields = ["municipality", "street", "courier_notes", "is_default"]


@admin.register(User)
class UserAdmin(PersonalDataAdmin, DjangoUserAdmin):
    ordering = ["-date_joined"]
    list_display = [
        "__str__",
        "email",
        "first_name",
        "last_name",
        "is_staff",
        "email_verified_at",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_active", "groups"]
    # Names and addresses are ciphertext: customers are found by account number, or by
    # exact email or phone through their blind indexes (PersonalDataAdmin).
    search_fields = ["=id"]
    show_facets = admin.ShowFacets.NEVER
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
