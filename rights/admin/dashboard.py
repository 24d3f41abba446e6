"""The officer's landing page: the erasure requests whose deadlines come first (P12).

Request numbers, states and dates only: never whose request it is.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rights.admin.display import day_text, is_overdue
from rights.permissions import ErasurePermission
from rights.selectors import erasure_due_figures, erasure_requests_due
from staff.admin_base import (
    DashboardPanel,
    Figure,
    Figures,
    Table,
    TableRow,
    dashboard_panel_add,
)

REQUESTS_LISTED = 8


def _requests_due_parts(request: HttpRequest) -> list[Figures | Table]:
    now = timezone.now()
    figures = erasure_due_figures(now=now)
    rows = [
        TableRow(
            cells=[
                str(erasure_request),
                erasure_request.get_state_display(),
                day_text(erasure_request.due_at),
            ],
            url=reverse("admin:rights_erasurerequest_change", args=[erasure_request.pk]),
            urgent=is_overdue(erasure_request, now=now),
        )
        for erasure_request in erasure_requests_due(limit=REQUESTS_LISTED)
    ]
    return [
        Figures(
            items=[
                Figure(
                    label=_("Kërkesa të hapura"),
                    value=str(figures.open),
                    url=reverse("admin:rights_erasurerequest_changelist"),
                ),
                Figure(
                    label=_("Me afat të kaluar"),
                    value=str(figures.overdue),
                    urgent=bool(figures.overdue),
                ),
                Figure(label=_("Afati brenda 7 ditëve"), value=str(figures.due_soon)),
            ]
        ),
        Table(
            caption=_("Afatet më të afërta"),
            headers=[_("Kërkesa"), _("Gjendja"), _("Afati")],
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
        position=70,
        more_url=lambda: reverse("admin:rights_erasurerequest_changelist"),
        more_label=_("Radha e kërkesave"),
    )
)
