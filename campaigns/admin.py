"""The marketing back office for campaigns: write, preview, test, schedule, send, follow (P8).

Every page shows counts only. No page lists recipients or their addresses, and
deliveries have no admin of their own: who received a campaign is nobody's business
in the back office (P5). Writes go through `campaigns.services`; sending, scheduling
and cancelling need `campaigns.send_campaign`, seeing needs `view_campaign`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlsplit

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from campaigns.forms import CampaignForm, ScheduleForm, SendTestForm
from campaigns.links import PersonalLinkMisplaced
from campaigns.models import Campaign, CampaignStatus
from campaigns.permissions import CampaignPermission
from campaigns.selectors import (
    LANGUAGE_LABELS,
    campaign_is_editable,
    campaign_languages,
    campaigns_recent,
    campaigns_with_counts,
    progress_bars,
)
from campaigns.services import (
    CampaignEmpty,
    CampaignNotEditable,
    campaign_audience_count,
    campaign_cancel,
    campaign_preview,
    campaign_progress,
    campaign_send_test,
    campaign_start,
    campaign_unschedule,
)
from campaigns.tasks import campaign_schedule
from campaigns.transport import RecipientRefused, RejectedAfterCommit, TemporaryFailure
from privacy.masking import mask_email
from staff.admin_base import (
    DashboardPanel,
    Figure,
    Figures,
    Table,
    TableRow,
    dashboard_panel_add,
    datetime_shown,
)
from subscriptions.selectors import subscriber_counts_by_topic

logger = logging.getLogger(__name__)

TEMPLATES = "admin/campaigns/campaign"


def _site_origin() -> str:
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


# The mail's HTML is styled inline, as mail clients need; served under the site's own
# policy it would lose every style. It is therefore served on its own: framed only by
# the preview page, sandboxed (no script, no same-origin access), and the only
# back-office response allowed inline styles.
PREVIEW_CSP: dict[str, Any] = {
    "default-src": [NONE],
    "script-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": [SELF, "data:", _site_origin()],
    "frame-ancestors": [SELF],
    "form-action": [NONE],
    "sandbox": [True],
}


def _staff(request: HttpRequest) -> User:
    return cast(User, request.user)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = CampaignForm
    list_display = [
        "name",
        "topic",
        "status",
        "scheduled_for",
        "created_at",
        "sent_of_total",
    ]
    list_filter = ["status", "topic"]
    search_fields = ["name"]
    filter_horizontal = ["products"]
    # No bulk actions: sending and cancelling are deliberate, one campaign at a time.
    actions = None
    readonly_fields = [
        "status",
        "scheduled_for",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    fieldsets = [
        (None, {"fields": ["topic", "name"]}),
        (_("Në shqip"), {"fields": ["subject_sq", "body_sq"]}),
        (_("Anglisht (opsionale)"), {"fields": ["subject_en", "body_en"]}),
        (_("Produktet"), {"fields": ["products"]}),
        (
            _("Gjendja"),
            {
                "fields": [
                    "status",
                    "scheduled_for",
                    "created_by",
                    "created_at",
                    "started_at",
                    "finished_at",
                ]
            },
        ),
    ]

    class Media:
        css = {"all": ["css/campaigns-admin.css"]}
        js = ["js/campaign-progress.js"]

    # The list and the form.

    def get_queryset(self, request: HttpRequest) -> QuerySet[Campaign]:
        return campaigns_with_counts(super().get_queryset(request))

    @admin.display(description=_("Dërguar / gjithsej"), ordering="sent_count")
    def sent_of_total(self, campaign: Campaign) -> str:
        total = getattr(campaign, "total_count", 0)
        if not total:
            return "—"
        return f"{getattr(campaign, 'sent_count', 0)} / {total}"

    def get_fieldsets(self, request: HttpRequest, obj: Campaign | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        # A new campaign has no state to show yet.
        return fieldsets if obj is not None else fieldsets[:-1]

    def has_change_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        """Allow changes only while the campaign is a draft or scheduled; then read-only."""
        if obj is not None and not campaign_is_editable(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        # A campaign that went out, or was about to, stays as the record of it.
        if obj is not None and obj.status != CampaignStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Campaign, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = _staff(request)
            obj.save()
            return
        # Only what the form changed: status and times belong to the services, and a
        # copy of them read before this request must not be written back.
        changed = [
            name for name in form.changed_data if not Campaign._meta.get_field(name).many_to_many
        ]
        if changed:
            obj.save(update_fields=changed)

    def response_post_save_add(self, request: HttpRequest, obj: Campaign) -> HttpResponseRedirect:
        # Straight to the campaign, where it is previewed, tested and sent.
        return HttpResponseRedirect(self._url("change", obj))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        campaign = self.get_object(request, unquote(object_id))
        if campaign is not None and self.has_view_permission(request, campaign):
            context.update(self._panel_context(request, campaign))
            context["campaign_panel"] = True
        return super().change_view(request, object_id, form_url, context)

    # URLs of the sending pages.

    def get_urls(self) -> list[URLPattern]:  # type: ignore[override]
        def route(suffix: str, view: Callable[..., HttpResponse], name: str) -> URLPattern:
            return path(
                f"<int:object_id>/{suffix}",
                self.admin_site.admin_view(view),
                name=f"campaigns_campaign_{name}",
            )

        return [
            route("parapamje/", self.preview_view, "preview"),
            route("parapamje/html/", self.preview_html_view, "preview_html"),
            route("prove/", self.send_test_view, "send_test"),
            route("planifiko/", self.schedule_view, "schedule"),
            route("hiq-planifikimin/", self.unschedule_view, "unschedule"),
            route("dergo/", self.send_view, "send"),
            route("anulo/", self.cancel_view, "cancel"),
            route("ecuria/", self.progress_view, "progress"),
            *super().get_urls(),  # type: ignore[list-item]
        ]

    def _url(self, name: str, campaign: Campaign) -> str:
        return reverse(
            f"{self.admin_site.name}:campaigns_campaign_{name}",
            args=[campaign.pk],
            current_app=self.admin_site.name,
        )

    def _viewable(self, request: HttpRequest, object_id: int) -> Campaign:
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = self.get_object(request, str(object_id))
        if campaign is None:
            raise Http404
        return campaign

    def _sendable(self, request: HttpRequest, object_id: int) -> Campaign:
        if not request.user.has_perm(CampaignPermission.SEND_CAMPAIGN):
            raise PermissionDenied
        return self._viewable(request, object_id)

    def _page(
        self, request: HttpRequest, template: str, campaign: Campaign, **context: Any
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            f"{TEMPLATES}/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "campaign": campaign,
                "change_url": self._url("change", campaign),
                **context,
            },
        )

    def _panel_context(self, request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
        """Return what the sending panel shows: counts, links and forms, never recipients."""
        editable = campaign_is_editable(campaign)
        languages = campaign_languages(campaign)
        context: dict[str, Any] = {
            "campaign": campaign,
            "may_send": request.user.has_perm(CampaignPermission.SEND_CAMPAIGN),
            "editable": editable,
            "audience_count": campaign_audience_count(campaign) if editable else None,
            "previews": [
                (LANGUAGE_LABELS[code], f"{self._url('preview', campaign)}?lang={code}")
                for code in languages
            ],
            "test_form": SendTestForm(languages=languages),
            "test_address": mask_email(_staff(request).email),
            "schedule_form": ScheduleForm(
                initial={"when": timezone.localtime(campaign.scheduled_for)}
                if campaign.scheduled_for
                else None
            ),
            "campaign_urls": {
                name: self._url(name, campaign)
                for name in ("send_test", "schedule", "unschedule", "send", "cancel", "progress")
            },
        }
        context.update(self._progress_context(campaign))
        return context

    def _progress_context(self, campaign: Campaign) -> dict[str, Any]:
        if campaign.started_at is None and campaign.status != CampaignStatus.SENT:
            return {"progress": None}
        progress = campaign_progress(campaign)
        return {
            "progress": progress,
            "bars": progress_bars(progress, cancelled=campaign.status == CampaignStatus.CANCELLED),
            "refreshing": campaign.status == CampaignStatus.SENDING,
            "progress_url": self._url("progress", campaign),
        }

    def _done(self, request: HttpRequest, campaign: Campaign, text: str) -> None:
        """Tell the staff member, and keep it in the campaign's admin history."""
        self.log_change(request, campaign, text)
        messages.success(request, text)

    def _back(self, campaign: Campaign) -> HttpResponseRedirect:
        return HttpResponseRedirect(self._url("change", campaign))

    def _misplaced_link(self, request: HttpRequest, refused: PersonalLinkMisplaced) -> None:
        messages.error(
            request,
            " ".join([*refused.messages, gettext("Ndreqni tekstin; asgjë nuk u dërgua.")]),
        )

    def _not_editable(self, request: HttpRequest, campaign: Campaign) -> None:
        campaign.refresh_from_db(fields=["status"])
        messages.error(
            request,
            gettext(
                "Kjo fushatë nuk mund të ndryshohet, planifikohet ose niset më: gjendja e saj "
                "tani është „%(status)s”. Asgjë nuk ndryshoi."
            )
            % {"status": campaign.get_status_display()},
        )

    # The pages.

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Show the subject, the HTML (framed from its own URL) and the text of one language."""
        campaign = self._viewable(request, object_id)
        languages = campaign_languages(campaign)
        language = _language(request, languages)
        rendered = campaign_preview(campaign, language)
        preview_url = self._url("preview", campaign)
        return self._page(
            request,
            "preview.html",
            campaign,
            title=gettext("Parapamja e fushatës"),
            rendered=rendered,
            language_label=LANGUAGE_LABELS[rendered.language],
            html_url=f"{self._url('preview_html', campaign)}?lang={rendered.language}",
            languages=[
                (code, LANGUAGE_LABELS[code], f"{preview_url}?lang={code}") for code in languages
            ],
        )

    def preview_html_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Return the campaign's HTML as a recipient sees it, with links that name nobody."""
        campaign = self._viewable(request, object_id)
        language = _language(request, campaign_languages(campaign))
        rendered = campaign_preview(campaign, language)
        response = HttpResponse(rendered.html, content_type="text/html; charset=utf-8")
        # What django-csp's @csp_replace sets; its decorator is typed for plain functions.
        response._csp_replace = PREVIEW_CSP  # type: ignore[attr-defined]
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    def send_test_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Send the saved campaign to the staff member's own address, marked [TEST]."""
        campaign = self._sendable(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = SendTestForm(request.POST, languages=campaign_languages(campaign))
        if not form.is_valid():
            messages.error(request, gettext("Zgjidhni gjuhën e provës."))
            return self._back(campaign)
        staff = _staff(request)
        try:
            campaign_send_test(
                campaign=campaign, actor=staff, language=form.cleaned_data["language"]
            )
        except PersonalLinkMisplaced as refused:
            self._misplaced_link(request, refused)
        except (TemporaryFailure, RecipientRefused, RejectedAfterCommit) as exc:
            logger.warning(
                "campaign test not sent", extra={"campaign": campaign.pk, "error": repr(exc)}
            )
            messages.error(
                request,
                gettext(
                    "Prova nuk u dërgua: serveri i postës nuk e pranoi. Provoni përsëri pas pak."
                ),
            )
        else:
            messages.success(
                request,
                gettext("U dërgua një provë te %(address)s.")
                % {"address": mask_email(staff.email)},
            )
        return self._back(campaign)

    def schedule_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Ask for a start time (GET) and schedule the campaign for it (POST)."""
        campaign = self._sendable(request, object_id)
        form = ScheduleForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            when = form.cleaned_data["when"]
            try:
                campaign_schedule(campaign=campaign, when=when, actor=_staff(request))
            except CampaignNotEditable:
                self._not_editable(request, campaign)
                return self._back(campaign)
            except PersonalLinkMisplaced as refused:
                self._misplaced_link(request, refused)
                return self._back(campaign)
            shown = date_format(timezone.localtime(when), "DATETIME_FORMAT")
            self.log_change(
                request, campaign, gettext("U planifikua për %(when)s.") % {"when": shown}
            )
            messages.success(
                request,
                gettext("Fushata do të niset më %(when)s (ora e Tiranës).") % {"when": shown},
            )
            if campaign_audience_count(campaign) == 0:
                messages.warning(
                    request,
                    gettext(
                        "Tani për tani asnjë abonent nuk do ta marrë: nëse kështu mbetet deri "
                        "atëherë, nuk dërgohet asgjë."
                    ),
                )
            return self._back(campaign)
        editable = campaign_is_editable(campaign)
        return self._page(
            request,
            "schedule.html",
            campaign,
            title=gettext("Planifiko dërgimin"),
            form=form,
            editable=editable,
            audience_count=campaign_audience_count(campaign) if editable else None,
        )

    def unschedule_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Take a scheduled campaign back to draft."""
        campaign = self._sendable(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            campaign_unschedule(campaign=campaign, actor=_staff(request))
        except CampaignNotEditable:
            self._not_editable(request, campaign)
        else:
            self.log_change(request, campaign, gettext("U hoq planifikimi."))
            messages.success(
                request,
                gettext("Planifikimi u hoq: fushata është sërish draft dhe nuk niset vetë."),
            )
        return self._back(campaign)

    def send_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """State whom the campaign will reach (GET); start sending it now (POST)."""
        campaign = self._sendable(request, object_id)
        if request.method == "POST":
            try:
                recipients = campaign_start(campaign=campaign, actor=_staff(request))
            except CampaignEmpty:
                messages.error(
                    request,
                    gettext(
                        "Asnjë abonent nuk do ta marrë këtë fushatë: askush me adresë të "
                        "konfirmuar nuk është abonuar te „%(topic)s”. Asgjë nuk u dërgua."
                    )
                    % {"topic": campaign.get_topic_display()},
                )
                return self._back(campaign)
            except CampaignNotEditable:
                self._not_editable(request, campaign)
                return self._back(campaign)
            except PersonalLinkMisplaced as refused:
                self._misplaced_link(request, refused)
                return self._back(campaign)
            self._done(
                request,
                campaign,
                gettext("Dërgimi nisi: %(count)s mesazhe në radhë.") % {"count": recipients},
            )
            return HttpResponseRedirect(self._url("progress", campaign))
        editable = campaign_is_editable(campaign)
        return self._page(
            request,
            "send_confirm.html",
            campaign,
            title=gettext("Dërgo fushatën tani"),
            editable=editable,
            audience_count=campaign_audience_count(campaign) if editable else None,
        )

    def cancel_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Ask to confirm (GET); stop the campaign so that nothing unsent goes out (POST)."""
        campaign = self._sendable(request, object_id)
        cancellable = campaign.status in (CampaignStatus.SCHEDULED, CampaignStatus.SENDING)
        if request.method == "POST":
            withdrawn = 0
            if cancellable:
                withdrawn = campaign_cancel(campaign=campaign, actor=_staff(request))
                # It may have finished sending a moment before: then nothing was cancelled.
                campaign.refresh_from_db(fields=["status"])
            if not cancellable or campaign.status != CampaignStatus.CANCELLED:
                messages.error(
                    request,
                    gettext(
                        "Anulohet vetëm një fushatë e planifikuar ose që po dërgohet; kjo "
                        "është „%(status)s”. Asgjë nuk ndryshoi."
                    )
                    % {"status": campaign.get_status_display()},
                )
                return self._back(campaign)
            self.log_change(
                request,
                campaign,
                gettext("U anulua; %(count)s mesazhe nuk u dërguan.") % {"count": withdrawn},
            )
            messages.success(
                request,
                gettext("Fushata u anulua: %(count)s mesazhe të padërguara nuk do të dërgohen.")
                % {"count": withdrawn},
            )
            return self._back(campaign)
        return self._page(
            request,
            "cancel_confirm.html",
            campaign,
            title=gettext("Anulo fushatën"),
            cancellable=cancellable,
            **self._progress_context(campaign),
        )

    def progress_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Show how the campaign is going, in counts; refreshed by a small script if present."""
        campaign = self._viewable(request, object_id)
        return self._page(
            request,
            "progress.html",
            campaign,
            title=gettext("Ecuria e fushatës"),
            may_send=request.user.has_perm(CampaignPermission.SEND_CAMPAIGN),
            cancel_url=self._url("cancel", campaign),
            **self._progress_context(campaign),
        )


def _language(request: HttpRequest, languages: list[str]) -> str:
    requested = request.GET.get("lang", "")
    return requested if requested in languages else languages[0]


# Marketing's landing page: how many each topic reaches, and how the latest campaigns went.
CAMPAIGNS_LISTED = 5


def _audience_parts(request: HttpRequest) -> list[Figures]:
    counts = subscriber_counts_by_topic()
    return [
        Figures(
            items=[Figure(label=topic.label, value=str(count)) for topic, count in counts.items()]
        )
    ]


def _recent_campaigns_parts(request: HttpRequest) -> list[Table]:
    rows = [
        TableRow(
            cells=[
                campaign.name,
                campaign.get_topic_display(),
                campaign.get_status_display(),
                gettext("%(sent)d nga %(total)d")
                % {
                    "sent": getattr(campaign, "sent_count", 0),
                    "total": getattr(campaign, "total_count", 0),
                },
                datetime_shown(campaign.started_at),
            ],
            url=reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
        )
        for campaign in campaigns_recent(limit=CAMPAIGNS_LISTED)
    ]
    return [
        Table(
            caption=_("Pesë fushatat e fundit"),
            headers=[_("Fushata"), _("Tema"), _("Gjendja"), _("Dërguar"), _("Nisi më")],
            rows=rows,
            empty=_("Ende asnjë fushatë."),
        )
    ]


dashboard_panel_add(
    DashboardPanel(
        key="campaigns-audience",
        title=_("Abonentët sipas temës"),
        permission=CampaignPermission.VIEW_CAMPAIGN,
        parts=_audience_parts,
        position=50,
    )
)
dashboard_panel_add(
    DashboardPanel(
        key="campaigns-recent",
        title=_("Fushatat e fundit"),
        permission=CampaignPermission.VIEW_CAMPAIGN,
        parts=_recent_campaigns_parts,
        position=60,
        more_url=lambda: reverse("admin:campaigns_campaign_changelist"),
        more_label=_("Të gjitha fushatat"),
    )
)
