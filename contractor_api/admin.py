"""The back office of API keys (P10): the DPO and administrators issue, rotate and revoke.

A new key's secret is shown once, on the page that answers the issue or the rotation,
and kept nowhere: the page is not cached, and the database holds only its hash.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contractor_api.forms import ApiTokenIssueForm, ApiTokenRotateForm
from contractor_api.models import ApiToken
from contractor_api.permissions import ApiTokenPermission
from contractor_api.services import (
    ApiTokenError,
    IssuedToken,
    api_token_issue,
    api_token_revoke,
    api_token_rotate,
)
from privacy.audit import client_address
from staff.admin_base import datetime_shown, object_id_path

ISSUED_ATTRIBUTE = "_api_token_issued"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ApiTokenIssueForm
    list_display = ["name", "company", "prefix", "functions_shown", "state", "expires_shown"]
    list_filter = ["company"]
    list_select_related = ["company"]
    search_fields = ["name", "=prefix", "company__name"]
    shown_fields = [
        "company",
        "name",
        "prefix",
        "functions_shown",
        "state",
        "created_shown",
        "expires_shown",
        "revoked_shown",
        "rotated_from",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        return super().get_queryset(request).prefetch_related("functions")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if obj is None:
            return ["company", "name", "functions", "expires_at"]
        return self.shown_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return [] if obj is None else self.shown_fields

    @admin.display(description=_("Funksionet"))
    def functions_shown(self, token: ApiToken) -> str:
        return ", ".join(function.name_sq for function in token.functions.all())

    @admin.display(description=_("Gjendja"))
    def state(self, token: ApiToken) -> str:
        now = timezone.now()
        if token.active_at(now):
            if token.revoked_at is not None:
                return gettext("Aktiv deri në %(moment)s (ndërruar)") % {
                    "moment": datetime_shown(token.revoked_at)
                }
            return gettext("Aktiv")
        if token.revoked_at is not None and token.revoked_at <= now:
            return gettext("Revokuar")
        return gettext("Skaduar")

    @admin.display(description=_("Krijuar më"), ordering="created_at")
    def created_shown(self, token: ApiToken) -> str:
        return datetime_shown(token.created_at)

    @admin.display(description=_("Skadon më"), ordering="expires_at")
    def expires_shown(self, token: ApiToken) -> str:
        return datetime_shown(token.expires_at)

    @admin.display(description=_("Revokuar më"))
    def revoked_shown(self, token: ApiToken) -> str:
        return datetime_shown(token.revoked_at)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A key is never edited: it is rotated or revoked (below), each recorded.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        try:
            issued = api_token_issue(
                company=form.cleaned_data["company"],
                name=form.cleaned_data["name"],
                functions=form.cleaned_data["functions"],
                expires_at=form.cleaned_data.get("expires_at"),
                actor=request.user,
                ip_address=client_address(request),
            )
        except ApiTokenError as error:
            raise PermissionDenied(str(error)) from error
        obj.pk, obj.prefix, obj.created_at = issued.token.pk, issued.token.prefix, timezone.now()
        obj._state.adding = False
        setattr(request, ISSUED_ATTRIBUTE, issued)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The service set the key's functions."""

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None
    ) -> HttpResponse:
        issued: IssuedToken = getattr(request, ISSUED_ATTRIBUTE)
        return self._secret_page(request, issued, title=gettext("Çelësi u krijua"))

    def get_urls(self) -> list[Any]:
        own: list[URLPattern] = [
            path(
                object_id_path(ApiToken, "ndrro/"),
                self.admin_site.admin_view(self.rotate_view),
                name="contractor_api_apitoken_rotate",
            ),
            path(
                object_id_path(ApiToken, "revoko/"),
                self.admin_site.admin_view(self.revoke_view),
                name="contractor_api_apitoken_revoke",
            ),
        ]
        return [*own, *super().get_urls()]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: ApiToken | None = None,
    ) -> HttpResponse:
        if obj is not None and obj.active_at(timezone.now()):
            # A rotated key still in its overlap is not rotated again, but can be stopped now.
            if obj.revoked_at is None and request.user.has_perm(ApiTokenPermission.ROTATE):
                context["rotate_url"] = reverse(
                    "admin:contractor_api_apitoken_rotate", args=[obj.pk]
                )
            if request.user.has_perm(ApiTokenPermission.REVOKE):
                context["revoke_url"] = reverse(
                    "admin:contractor_api_apitoken_revoke", args=[obj.pk]
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def rotate_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Ask for the overlap, then give the key's system a new secret, shown once."""
        if not request.user.has_perm(ApiTokenPermission.ROTATE):
            raise PermissionDenied
        token = get_object_or_404(ApiToken.objects.select_related("company"), pk=object_id)
        form = ApiTokenRotateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                issued = api_token_rotate(
                    token=token,
                    overlap=timedelta(hours=form.cleaned_data["overlap_hours"]),
                    actor=request.user,
                    ip_address=client_address(request),
                )
            except ApiTokenError as error:
                messages.error(request, str(error))
                return self._back_to(token)
            return self._secret_page(request, issued, title=gettext("Çelësi u ndërrua"))
        return self._confirm_page(
            request, token, form=form, title=gettext("Ndërro sekretin e çelësit")
        )

    def revoke_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Ask, then take the key back at once."""
        if not request.user.has_perm(ApiTokenPermission.REVOKE):
            raise PermissionDenied
        token = get_object_or_404(ApiToken.objects.select_related("company"), pk=object_id)
        if request.method == "POST":
            try:
                api_token_revoke(
                    token=token, actor=request.user, ip_address=client_address(request)
                )
            except ApiTokenError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, gettext("Çelësi u revokua: nuk hap më API-në."))
            return self._back_to(token)
        return self._confirm_page(request, token, form=None, title=gettext("Revoko çelësin"))

    def _back_to(self, token: ApiToken) -> HttpResponse:
        return HttpResponseRedirect(
            reverse("admin:contractor_api_apitoken_change", args=[token.pk])
        )

    def _confirm_page(
        self, request: HttpRequest, token: ApiToken, *, form: Any, title: str
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "token": token,
            "form": form,
            "opts": self.model._meta,
            "change_url": reverse("admin:contractor_api_apitoken_change", args=[token.pk]),
        }
        return TemplateResponse(request, "admin/contractor_api/apitoken/confirm.html", context)

    def _secret_page(
        self, request: HttpRequest, issued: IssuedToken, *, title: str
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "token": issued.token,
            "presented": issued.presented,
            "opts": self.model._meta,
            "change_url": reverse("admin:contractor_api_apitoken_change", args=[issued.token.pk]),
        }
        response = TemplateResponse(request, "admin/contractor_api/apitoken/secret.html", context)
        patch_cache_control(response, private=True, no_store=True)
        return response
