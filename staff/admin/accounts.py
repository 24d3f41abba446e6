from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Address, User
from privacy.audit import client_address
from staff.admin_base import PersonalDataAdmin, PersonalDataInline, customer_page_inlines
from staff.services import (
    AccountPowers,
    AccountPowersRefused,
    account_password_reset_send,
    account_powers_change,
    account_powers_check,
)


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
    # Roles and powers: only a superuser grants them, never to themselves, and always
    # through staff.services.account_powers_change, which records and reports it (P5).
    POWER_FIELDS = ("is_active", "is_staff", "is_superuser", "groups")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        # Permissions come from roles (each app's permissions.py), never one by one.
        return [
            (
                title,
                {**options, "fields": [f for f in options["fields"] if f != "user_permissions"]},
            )
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        # The customer's orders and cases, registered by the apps that own them.
        inlines = list(super().get_inlines(request, obj))
        return [*inlines, *customer_page_inlines()] if obj is not None else inlines

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and (not request.user.is_superuser or obj.pk == request.user.pk):
            readonly += [name for name in self.POWER_FIELDS if name not in readonly]
        return readonly

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form_class

        class PowersCheckedForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                powers = _requested_powers(obj, self)
                if powers is not None and powers != AccountPowers.of(obj):
                    try:
                        account_powers_check(account=obj, powers=powers, actor=request.user)
                    except AccountPowersRefused as refused:
                        raise ValidationError(str(refused)) from refused
                return cleaned

        return PowersCheckedForm

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if change:
            # Powers are written by account_powers_change in save_related, not here.
            stored = User.objects.get(pk=obj.pk)
            for name in ("is_active", "is_staff", "is_superuser"):
                setattr(obj, name, getattr(stored, name))
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        powers = _requested_powers(form.instance, form) if change else None
        form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if powers is not None:
            try:
                account_powers_change(
                    account=form.instance,
                    powers=powers,
                    actor=request.user,
                    ip_address=client_address(request),
                )
            except AccountPowersRefused as refused:
                # Checked in the form already; a concurrent change got here first.
                raise PermissionDenied(str(refused)) from refused

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Nobody leaves through a delete button: a customer through the erasure process
        # (P12), which records and reports what it does; a staff member is deactivated.
        return False

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Mail a reset link to the account's own address instead of setting a password.

        Staff never set anyone's password: it would let them sign in as the account's
        owner and see everything, with no purpose and no record (P5).
        """
        target = self.get_object(request, id)
        if target is None:
            raise Http404
        if not request.user.is_superuser or target.pk == request.user.pk:
            raise PermissionDenied
        change_url = reverse("admin:accounts_user_change", args=[target.pk])
        if request.method == "POST":
            try:
                account_password_reset_send(
                    account=target, actor=request.user, ip_address=client_address(request)
                )
            except AccountPowersRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(
                    request,
                    _(
                        "Një lidhje për rivendosjen e fjalëkalimit u dërgua në adresën e "
                        "llogarisë. Dërgimi u regjistrua."
                    ),
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Dërgo një lidhje për rivendosjen e fjalëkalimit"),
            "opts": self.model._meta,
            "original": target,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/accounts/user/password_reset_link.html", context)

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "password1", "password2"),
            },
        ),
    )


def _requested_powers(account: User, form: Any) -> AccountPowers | None:
    """Return the powers the form asks for, or None when it shows none of them editable."""
    cleaned = form.cleaned_data
    if not any(name in cleaned for name in UserAdmin.POWER_FIELDS):
        return None
    current = AccountPowers.of(account)
    groups = cleaned.get("groups")
    return AccountPowers(
        is_staff=cleaned.get("is_staff", current.is_staff),
        is_superuser=cleaned.get("is_superuser", current.is_superuser),
        is_active=cleaned.get("is_active", current.is_active),
        roles=frozenset(group.name for group in groups) if groups is not None else current.roles,
    )
