"""The officer's pages for the policy and the terms (P2): drafts, their difference from
the version in force, and publishing. Published versions are read-only records."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from policy.diff import text_diff
from policy.models import DocumentKind, PolicyDraft, PolicyVersion
from policy.permissions import PolicyPermission
from policy.rendering import stamp_document_date
from policy.selectors import AUTHORITATIVE_LANGUAGE, policy_document
from policy.services import (
    PolicyChangeRefused,
    PolicyDraftError,
    may_change_policy,
    policy_draft_save,
    policy_publish,
)
from staff.admin_base import ReadOnlyAdmin, datetime_shown, object_id_path

TEMPLATES = "admin/policy/policydraft"


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A published version is a record of what people agreed to: never added, edited or
    deleted by hand; a new one comes only from publishing a draft."""

    list_display = [
        "kind",
        "version",
        "language",
        "effective_date",
        "is_translation",
        "material",
        "published_by_label",
    ]
    list_filter = ["kind", "language"]
    exclude = ["published_by"]


class PolicyDraftForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PolicyDraft
        fields = [
            "kind",
            "title_sq",
            "body_sq",
            "summary_sq",
            "title_en",
            "body_en",
            "summary_en",
        ]

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        if bool(data.get("title_en", "").strip()) != bool(data.get("body_en", "").strip()):
            raise forms.ValidationError(
                gettext(
                    "Për tekstin në anglisht plotësoni edhe titullin edhe tekstin, ose asnjërin."
                )
            )
        return data


class PublishForm(forms.Form):
    material = forms.BooleanField(
        required=False,
        label=_("Ndryshim thelbësor: dërgoju të gjithë klientëve një njoftim shërbimi me email"),
        help_text=_(
            "Njoftimi i shërbimit u shkon edhe klientëve që nuk marrin marketing; jo adresave "
            "që janë refuzuar (bounce)."
        ),
    )


@admin.register(PolicyDraft)
class PolicyDraftAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = PolicyDraftForm
    list_display = ["__str__", "kind", "updated", "published_text"]
    list_filter = ["kind"]
    actions = None
    change_form_template = f"{TEMPLATES}/change_form.html"

    @admin.display(description=_("Ndryshuar më"), ordering="updated_at")
    def updated(self, draft: PolicyDraft) -> str:
        return datetime_shown(draft.updated_at)

    @admin.display(description=_("Publikuar"), ordering="published_at")
    def published_text(self, draft: PolicyDraft) -> str:
        if not draft.is_published:
            return gettext("Jo ende")
        return gettext("Versioni %(version)s, %(at)s") % {
            "version": draft.published_version,
            "at": datetime_shown(draft.published_at),
        }

    def _may(self, request: HttpRequest, permission: PolicyPermission) -> bool:
        return may_change_policy(request.user, permission)  # type: ignore[arg-type]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request, PolicyPermission.VIEW_POLICY_DRAFT)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, PolicyPermission.VIEW_POLICY_DRAFT)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may(request, PolicyPermission.ADD_POLICY_DRAFT)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return self._may(request, PolicyPermission.CHANGE_POLICY_DRAFT)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """Start a new draft from the text in force, so the officer edits what changes."""
        kind = request.GET.get("kind")
        kind = kind if kind in DocumentKind.values else DocumentKind.PRIVACY
        initial: dict[str, Any] = {"kind": kind}
        for language in (AUTHORITATIVE_LANGUAGE, "en"):
            try:
                document = policy_document(kind=DocumentKind(kind), language=language)
            except Http404:
                continue
            if document.language == language:
                initial[f"title_{language}"] = document.title
                initial[f"body_{language}"] = document.body
        return initial

    def save_model(self, request: HttpRequest, obj: PolicyDraft, form: Any, change: bool) -> None:
        data = form.cleaned_data
        try:
            saved = policy_draft_save(
                draft=obj if change else None,
                actor=request.user,  # type: ignore[arg-type]
                kind=DocumentKind(data["kind"]),
                title_sq=data["title_sq"],
                body_sq=data["body_sq"],
                summary_sq=data["summary_sq"],
                title_en=data["title_en"],
                body_en=data["body_en"],
                summary_en=data["summary_en"],
            )
        except PolicyChangeRefused:
            raise PermissionDenied from None
        obj.pk = saved.pk

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        if object_id.isdigit():
            context["preview_url"] = reverse(
                "admin:policy_policydraft_preview", args=[int(object_id)]
            )
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[URLPattern]:  # type: ignore[override]
        return [
            path(
                object_id_path(PolicyDraft, "krahaso/"),
                self.admin_site.admin_view(self.preview_view),
                name="policy_policydraft_preview",
            ),
            *super().get_urls(),  # type: ignore[list-item]
        ]

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The draft against the version in force, as a difference (GET); publish (POST)."""
        if not self._may(request, PolicyPermission.VIEW_POLICY_DRAFT):
            raise PermissionDenied
        draft = PolicyDraft.objects.filter(pk=object_id).first()
        if draft is None:
            raise Http404
        kind = DocumentKind(draft.kind)
        try:
            current: PolicyVersion | None = policy_document(
                kind=kind, language=AUTHORITATIVE_LANGUAGE
            )
        except Http404:
            current = None
        form = PublishForm(request.POST or None)
        may_publish = not draft.is_published and self._may(
            request, PolicyPermission.PUBLISH_POLICY_DRAFT
        )
        if request.method == "POST":
            if not may_publish:
                raise PermissionDenied
            if form.is_valid():
                try:
                    version = policy_publish(
                        draft=draft,
                        actor=request.user,  # type: ignore[arg-type]
                        material=form.cleaned_data["material"],
                    )
                except PolicyChangeRefused:
                    raise PermissionDenied from None
                except PolicyDraftError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(
                        request,
                        gettext("U publikua versioni %(version)s. Është në fuqi që tani.")
                        % {"version": version.version},
                    )
                    return HttpResponseRedirect(reverse("admin:policy_policydraft_changelist"))
        # As it will be published: the text's own date made the day it takes effect (P16).
        body = (
            draft.body_sq
            if draft.is_published
            else stamp_document_date(draft.body_sq, timezone.localdate())
        )
        diff = text_diff(current.body if current else "", body)
        return TemplateResponse(
            request,
            f"{TEMPLATES}/preview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Krahasimi me versionin në fuqi"),
                "draft": draft,
                "current": current,
                "diff": diff,
                "title_changed": current is not None and current.title != draft.title_sq,
                "form": form,
                "may_publish": may_publish,
                "back_url": reverse("admin:policy_policydraft_change", args=[draft.pk]),
            },
        )
