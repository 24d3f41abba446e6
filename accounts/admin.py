from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
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
    change_form_template = "admin/accounts/user/change_form.html"
    # Roles and powers: only a superuser grants them, and never to themselves (P5).
    POWER_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and (not request.user.is_superuser or obj.pk == request.user.pk):
            readonly += [name for name in self.POWER_FIELDS if name not in readonly]
        return readonly

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        if request.user.has_perm("subscriptions.record_optout") and object_id.isdigit():
            # An opt-out told on the phone is taken from the customer's own page (P13).
            context["optout_url"] = (
                f"{reverse('admin:subscriptions_subscriber_record_optout')}?klienti={object_id}"
            )
        return super().change_view(request, object_id, form_url, context)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Let a superuser set a staff member's password; customers reset their own.

        Setting a customer's password would let staff sign in as the customer and see
        everything, with no purpose and no record (P5).
        """
        target = self.get_object(request, id)
        if target is None or not target.is_staff or not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "password1", "password2"),
            },
        ),
    )
