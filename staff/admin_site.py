"""The back office at /zyra/: Django's admin site, with the staff second factor (P14).

This is `django.contrib.admin.site` itself (StaffAdminConfig names it the default
site), so every app keeps registering its ModelAdmins there and config/urls.py keeps
setting the titles. With FEJZO_STAFF_2FA on, only a session verified by a TOTP code
has permission; the same rule therefore guards every admin page, not just the index.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import PasswordChangeView
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.http import urlencode

from privacy.fields import lookup_touches_sealed_field
from staff import views
from staff.admin_base.dashboard import dashboard_panels_for
from staff.forms import StaffAuthenticationForm, StaffPasswordChangeForm
from staff.two_factor import (
    staff_enrolment_needed,
    staff_session_verified,
    staff_two_factor_required,
)


class SealedLookupGuard:
    """Refuse list lookups that reach ciphertext or a blind index (P6).

    `?email_index__startswith=` would let anyone with a list page learn indexes a
    character at a time; customers are found by exact email or phone through the
    search box, never by a lookup in the URL.
    """

    model: type[Model]

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        if lookup_touches_sealed_field(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)  # type: ignore[misc, no-any-return]


class StaffAdminSite(admin.AdminSite):
    login_form = StaffAuthenticationForm
    login_template = "staff/login.html"
    # The landing page: the day's work for each role above the list of pages.
    index_template = "admin/dashboard.html"

    def has_permission(self, request: HttpRequest) -> bool:
        """Admit active staff, and with the second factor on only a verified session."""
        if not super().has_permission(request):
            return False
        return not staff_two_factor_required() or staff_session_verified(request)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Show the sign-in; send a signed-in staff member without a device to enrol one."""
        if staff_enrolment_needed(request.user):
            target = reverse("admin:two_factor", current_app=self.name)
            next_url = request.GET.get(REDIRECT_FIELD_NAME)
            if next_url:
                target = f"{target}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
            return HttpResponseRedirect(target)
        context = {"two_factor_required": staff_two_factor_required(), **(extra_context or {})}
        return super().login(request, context)

    def password_change(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        """Change one's own password as Django does, through the service that mails the owner."""
        request.current_app = self.name
        return PasswordChangeView.as_view(  # type: ignore[return-value]
            form_class=StaffPasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        """Show the panels each app registered that this staff member's permissions allow."""
        context = {"dashboard_panels": dashboard_panels_for(request), **(extra_context or {})}
        return super().index(request, context)

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Register as Django does, every admin guarded against sealed lookups.

        Third-party admins (django-otp, django-axes, the task results) are guarded too:
        a guard each admin had to remember would be forgotten by one.
        """
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SealedLookupGuard):
            admin_class = type(admin_class.__name__, (SealedLookupGuard, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        # Outside admin_view(): enrolment is for staff whose session is not verified yet.
        enrol = path("2fa/", self.two_factor_enrol, name="two_factor")
        return [enrol, *super().get_urls()]

    def two_factor_enrol(self, request: HttpRequest) -> HttpResponse:
        """Serve the enrolment page with this site's context and URLs."""
        return views.two_factor_enrol(request, admin_site=self)
