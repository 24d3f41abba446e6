"""What the legal register keeps about people (P11), and what they are shown of it, when.

The register holds ids, categories and dates, no personal value: the people a request
names (by account), when their data was given and when they were told. The documents
and packages are sealed files, named on no row by anyone's name. A disclosure the law
or a court forbids telling the person of stays off their pages until that day: the
access-record entries by `access_entries_withheld`, the download by its own section.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from operator import attrgetter
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal.models import (
    AuthorityKind,
    DisclosurePackage,
    LegalDocument,
    LegalRequest,
    LegalRequestPerson,
)
from legal.selectors import access_entries_hidden_on, disclosures_shown_to
from legal.services.retention import legal_requests_expire
from privacy.download import CHUNK_ROWS, Column, Section, download_section, labels
from privacy.pages import private_section
from privacy.registry import Category, Retention, declare
from privacy.retention import Schedule, ended_by, retention_schedule
from privacy.withheld import access_entries_withheld

declare(
    LegalRequest,
    subject=None,
    fields=[],
    row_retention=Retention.LEGAL_REQUEST,
    not_personal={
        "requester": "The authority and its office, as the request names them.",
        "notice_withheld_note": "The article of law or the order that forbids the notice.",
    },
)
# The person's side is given by the download section below, and only once they may be
# told: the rows themselves are left out of the download.
declare(
    LegalRequestPerson,
    download_title=gettext_lazy("Kërkesat ligjore për të dhënat tuaja"),
    subject="person",
    fields=[],
    row_retention=Retention.LEGAL_REQUEST,
    withheld_from_download=Q(pk__isnull=False),
)
declare(
    LegalDocument,
    subject=None,
    fields=[],
    row_retention=Retention.LEGAL_REQUEST,
    not_personal={
        "title": "Typed by the officer to name the document; no one's name.",
        "storage_name": "Random letters naming the sealed file in the storage.",
    },
)
declare(
    DisclosurePackage,
    subject=None,
    fields=[],
    row_retention=Retention.LEGAL_REQUEST,
    not_personal={"storage_name": "Random letters naming the sealed file in the storage."},
)

retention_schedule(
    Schedule(
        Retention.LEGAL_REQUEST,
        "LEGAL_REQUEST_RETENTION_YEARS",
        "years",
        "Legal requests decided this long ago (or left undecided this long) are deleted with "
        "their documents and package; a notice still withheld keeps its request.",
        apply=ended_by(legal_requests_expire),
    )
)

access_entries_withheld(key="legal.disclosures", hidden_on=access_entries_hidden_on)

DISCLOSURES_KEY = "legal.disclosures"
DISCLOSURES_TITLE = gettext_lazy("Të dhënat tuaja që ua dhamë autoriteteve")
DISCLOSURES_NOTE = gettext_lazy(
    "Kur, kujt (lloji i autoritetit), çfarë dhe nga cila periudhë, sipas një kërkese me bazë "
    "ligjore që zyrtari ynë i mbrojtjes së të dhënave e shqyrtoi."
)


def _categories(values: list[str]) -> str:
    return ", ".join(str(Category(value).label) for value in values if value in Category.values)


def _disclosures_section(user: Any, *, now: datetime | None = None) -> Section:
    """The disclosures of the person's data they may be told of now (P11)."""
    columns = [
        Column("disclosed_at", _("Kur"), attrgetter("disclosed_at")),
        Column(
            "authority_kind",
            _("Kujt (lloji i autoritetit)"),
            attrgetter("request.authority_kind"),
            label_of=labels(AuthorityKind.choices),
        ),
        Column(
            "categories",
            _("Çfarë"),
            attrgetter("request.approved_categories"),
            label_of=_categories,
        ),
        Column("period_start", _("Periudha nga"), attrgetter("request.approved_start")),
        Column("period_end", _("Periudha deri"), attrgetter("request.approved_end")),
    ]

    def rows() -> Iterable[Any]:
        return disclosures_shown_to(user, now=now).iterator(chunk_size=CHUNK_ROWS)

    return Section(
        key=DISCLOSURES_KEY,
        title=str(DISCLOSURES_TITLE),
        columns=columns,
        rows=rows,
        note=str(DISCLOSURES_NOTE),
    )


download_section(
    key=DISCLOSURES_KEY, title=DISCLOSURES_TITLE, build=_disclosures_section, position=30
)

# The authority's link carries a token: kept out of search engines and analytics.
private_section(
    "legal",
    title="Kërkesat ligjore",
    root="legal:transparency",
    unlisted=(("legal:package_download", {"token": "x"}),),
)
