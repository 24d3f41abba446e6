"""Back-office pages for subscriptions (P5, P13): read-only, masked, and one way to write.

Nobody edits a subscription here. The only change staff make is recording an opt-out
a person told them by phone, in person or by email, through `opt_out_record`, so the
rule and the history are the same as for every other channel. Marketing has no page
here: it sees counts in the campaign tools, never addresses.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from staff.admin_base import (
    CHART_WEEKS,
    DashboardPanel,
    Figure,
    Figures,
    PersonalDataAdmin,
    PersonalDataInline,
    ReadOnlyAdmin,
    Series,
    SeriesChart,
    dashboard_panel_add,
    week_label,
    week_long_label,
)
from subscriptions.forms import OptOutRecordForm
from subscriptions.models import Subscriber, SubscriptionEvent, Suppression
from subscriptions.permissions import SubscriptionPermission
from subscriptions.selectors import (
    is_suppressed_index,
    subscriber_of_user,
    subscribers_with_address,
    subscription_changes_by_week,
    suppressions_with_address,
    topic_states,
)
from subscriptions.services import opt_out_record

# The tool page's query parameter naming the account, e.g. from the customer's page.
ACCOUNT_PARAMETER = "klienti"


class SubscriptionEventInline(ReadOnlyAdmin, PersonalDataInline):
    """The subscriber's history; the staff note stays masked without a purpose (P5)."""

    model = SubscriptionEvent
    fields = ["at", "topic", "action", "channel", "actor_label", "campaign_id", "note"]
    ordering = ["-at", "-id"]
    verbose_name_plural = _("Historiku")


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin, PersonalDataAdmin):
    list_display = [
        "__str__",
        "email",
        "user",
        "topics_now",
        "language",
        "confirmed_at",
        "created_at",
    ]
    list_filter = ["language", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["=id"]
    search_help_text = _(
        "Kërkoni me email-in e plotë të abonentit ose numrin e plotë të telefonit të "
        "klientit. Rezultatet shfaqen të maskuara."
    )
    show_facets = admin.ShowFacets.NEVER
    fields = [
        "email",
        "user",
        "language",
        "topics_now",
        "suppressed",
        "confirmed_at",
        "created_at",
    ]
    readonly_fields = ["topics_now", "suppressed", "confirmed_at", "created_at"]
    inlines = [SubscriptionEventInline]
    change_list_template = "subscriptions/admin_subscriber_change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Subscriber]:
        return super().get_queryset(request).prefetch_related("subscriptions")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """Find a visitor's row too: by the subscriber's own keyed hash of the address."""
        term = search_term.strip()
        if "@" in term:
            own = queryset.filter(pk__in=subscribers_with_address(term).values("pk"))
            if own.exists():
                return own, False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("Temat që merr"))
    def topics_now(self, subscriber: Subscriber) -> str:
        # Read from the prefetched rows: one query for the whole list.
        active = sorted(
            str(row.get_topic_display()) for row in subscriber.subscriptions.all() if row.active
        )
        return ", ".join(active) or "—"

    @admin.display(description=_("Në listën e bllokimit"), boolean=True)
    def suppressed(self, subscriber: Subscriber) -> bool:
        return is_suppressed_index(subscriber.email_index)

    def get_urls(self) -> list[Any]:
        return [
            path(
                "cregjistrim-i-thene/",
                self.admin_site.admin_view(self.record_optout_view),
                name="subscriptions_subscriber_record_optout",
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {
            "may_record_optout": request.user.has_perm(SubscriptionPermission.RECORD_OPTOUT),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def record_optout_view(self, request: HttpRequest) -> HttpResponse:
        """Record an opt-out a customer told staff by phone, in person or by email (P13)."""
        if not request.user.has_perm(SubscriptionPermission.RECORD_OPTOUT):
            raise PermissionDenied
        account = None
        account_id = request.GET.get(ACCOUNT_PARAMETER, "")
        if account_id:
            if not account_id.isdigit():
                raise Http404
            account = get_object_or_404(User, pk=int(account_id), is_active=True)
        form = OptOutRecordForm(request.POST or None, account=account)
        staff = request.user
        assert isinstance(staff, User)  # admin_view admits only signed-in staff
        if request.method == "POST" and form.is_valid() and form.person is not None:
            opt_out_record(
                person=form.person,
                channel=form.chosen_channel,
                note=form.cleaned_data["note"].strip(),
                actor=staff,
                topics=form.chosen_topics,
            )
            messages.success(
                request,
                _("Çregjistrimi u regjistrua për %(person)s. Vlen që tani.")
                % {"person": form.account or _("adresën e dhënë")},
            )
            return HttpResponseRedirect(reverse("admin:subscriptions_subscriber_record_optout"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Regjistro një çregjistrim të thënë stafit"),
            "opts": self.model._meta,
            "form": form,
            "account": account,
            "topics_now": _receives(account) if account is not None else None,
        }
        return TemplateResponse(request, "subscriptions/admin_record_optout.html", context)


@admin.register(Suppression)
class SuppressionAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    """The do-not-mail list for the data-protection officer: why and since when, no address."""

    list_display = ["__str__", "reason", "created_at"]
    list_filter = ["reason"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    search_fields = ["=id"]
    search_help_text = _(
        "Kërkoni me email-in e plotë: gjendet vetëm nëse është në listë, dhe adresa nuk shfaqet."
    )
    fields = ("reason", "created_at")
    readonly_fields = ("reason", "created_at")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = search_term.strip()
        if "@" in term:
            return queryset.filter(pk__in=suppressions_with_address(term).values("pk")), False
        return super().get_search_results(request, queryset, search_term)


def _receives(user: User) -> list[str]:
    states = topic_states(subscriber_of_user(user))
    return [str(topic.label) for topic, on in states.items() if on]


def _opt_outs_parts(request: HttpRequest) -> list[Figures | SeriesChart]:
    """The officer's view of P8 and P13 over time: topics turned on and off, per week."""
    weeks = subscription_changes_by_week(today=timezone.localdate(), weeks=CHART_WEEKS)
    return [
        Figures(
            items=[
                Figure(
                    label=_("Abonime në %(weeks)d javë") % {"weeks": CHART_WEEKS},
                    value=str(sum(week.opt_ins for week in weeks)),
                ),
                Figure(
                    label=_("Çregjistrime në %(weeks)d javë") % {"weeks": CHART_WEEKS},
                    value=str(sum(week.opt_outs for week in weeks)),
                ),
                Figure(
                    label=_("Prej tyre të thëna stafit"),
                    value=str(sum(week.opt_outs_told_staff for week in weeks)),
                ),
            ]
        ),
        SeriesChart(
            key="subscriptions-opt-outs",
            caption=_("Abonime dhe çregjistrime, java pas jave"),
            summary=_(
                "Sa tema marketingu u aktivizuan dhe sa u çaktivizuan çdo javë, një për çdo temë."
            ),
            labels=[week_label(week.week) for week in weeks],
            long_labels=[week_long_label(week.week) for week in weeks],
            series=[
                Series(name=_("Abonime"), values=[week.opt_ins for week in weeks]),
                Series(name=_("Çregjistrime"), values=[week.opt_outs for week in weeks]),
            ],
            table_headers=[
                _("Java"),
                _("Abonime"),
                _("Çregjistrime"),
                _("Prej tyre të thëna stafit"),
            ],
            table_rows=[
                [
                    week_long_label(week.week),
                    str(week.opt_ins),
                    str(week.opt_outs),
                    str(week.opt_outs_told_staff),
                ]
                for week in weeks
            ],
        ),
    ]


dashboard_panel_add(
    DashboardPanel(
        key="subscriptions-opt-outs",
        title=_("Abonimet në marketing"),
        permission=SubscriptionPermission.VIEW_SUBSCRIPTION_EVENT,
        parts=_opt_outs_parts,
        position=81,
        more_url=lambda: reverse("admin:subscriptions_subscriber_changelist"),
        more_label=_("Abonentët"),
    )
)
