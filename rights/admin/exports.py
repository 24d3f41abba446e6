"""Failed downloads of customers' data (P12), as the data-protection officer's queue shows
them: numbers and dates only, never a person (P5)."""

from __future__ import annotations

from rights.admin.display import moment_text, subject_label
from rights.export import data_exports_failed

# The newest; older failures leave the list when they expire (DATA_EXPORT_LINK_DAYS).
SHOWN = 50


def failed_export_rows() -> list[dict[str, str]]:
    """Return the downloads that failed for good, newest first, for the erasure queue's page."""
    return [
        {
            "number": f"#{row['pk']}",
            "account": subject_label(row["user_id"], None),
            "requested": moment_text(row["requested_at"]),
        }
        for row in data_exports_failed()[:SHOWN]
    ]
