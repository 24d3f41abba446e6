"""The officer's landing page: the erasure requests whose deadlines come first, and the
holds that come up for review (P12).

Request numbers, states and dates only: never whose request it is. Deadlines are the
officer's first work of the day, so the panel comes before every other they see.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rights.admin.display import day_text, is_overdue
from rights.models import ErasureState
from rights.permissions import ErasurePermission
from rights.selectors import erasure_due_figures, erasure_requests_due, holds_due_for_review
from staff.admin_base import (
    DashboardPanel,
    Figure,
    Figures,
    Table,
    TableRow,
    dashboard_panel_add,
    days_from_today_text,
)

REQUESTS_LISTED = 8


def _holds_figure(request: HttpRequest) -> list[Figure]:
    if not request.user.has_perm(ErasurePermission.VIEW_HOLDS):
        return []
    due = holds_due_for_review(today=timezone.localdate())
    return [
        Figure(
            label=_("Bllokime për t'u rishikuar"),
            value=str(due),
            url=f"{reverse('admin:rights_legalhold_changelist')}?gjendja=per-rishikim",
            urgent=bool(due),
        )
    ]


def _requests_due_parts(request: HttpRequest) -> list[Figures | Table]:
    now = timezone.now()
    today = timezone.localdate()
    figures = erasure_due_figures(now=now)
    changelist = reverse("admin:rights_erasurerequest_changelist")
    rows = [
        TableRow(
            cells=[
                str(erasure_request),
                erasure_request.get_state_display(),
                day_text(erasure_request.due_at),
                days_from_today_text(timezone.localdate(erasure_request.due_at), today=today),
            ],
            url=reverse("admin:rights_erasurerequest_change", args=[erasure_request.pk]),
            urgent=is_overdue(erasure_request, now=now),
        )
        for erasure_request in erasure_requests_due(limit=REQUESTS_LISTED)
    ]
    return [
        Figures(
            items=[
                Figure(label=_("Kërkesa të hapura"), value=str(figures.open), url=changelist),
                Figure(
                    label=_("Me afat të kaluar"),
                    value=str(figures.overdue),
                    url=f"{changelist}?afati=me-vonese",
                    urgent=bool(figures.overdue),
                ),
                Figure(label=_("Afati brenda 7 ditëve"), value=str(figures.due_soon)),
                Figure(
                    label=_("Të konfirmuara, presin zbatimin"),
                    value=str(figures.awaiting_execution),
                    url=f"{changelist}?gjendja={ErasureState.VERIFIED.value}",
                ),
                *_holds_figure(request),
            ]
        ),
        Table(
            caption=_("Afatet më të afërta"),
            headers=[_("Kërkesa"), _("Gjendja"), _("Afati"), _("Kur")],
            rows=rows,
            empty=_("Asnjë kërkesë e hapur për fshirje."),
        ),
    ]


dashboard_panel_add(
    DashboardPanel(
        key="rights-requests-due",
        title=_("Kërkesat për fshirje me afat"),
        permission=ErasurePermission.VIEW,
        parts=_requests_due_parts,
        position=32,
        more_url=lambda: reverse("admin:rights_erasurerequest_changelist"),
        more_label=_("Radha e kërkesave"),
    )
)
