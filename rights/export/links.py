"""The signed address of a download, mailed to the customer (P12)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from rights.models import DataExport

# Named when downloads were the privacy app's; kept, so links already mailed still open.
LINK_SALT = "privacy.data-export"


def data_export_link(export: DataExport) -> str:
    """Return the signed download address mailed to the customer (valid DATA_EXPORT_LINK_DAYS)."""
    token = signing.dumps(export.public_id, salt=LINK_SALT)
    with translation.override(export.user.language):
        path = reverse("rights:export_download", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"
