"""No tables: two documents generated on request, named here so the DPO's role can be given them.

Each is an unmanaged model with only the view permission, which `permissions.py` grants
to the data-protection officer; the back office lists them as pages (`admin.py`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessingRecords(models.Model):
    """The records of processing (Article 30 style): a page, JSON and a PDF."""

    class Meta:
        managed = False
        default_permissions = ("view",)
        verbose_name = _("regjistri i veprimtarive të përpunimit")
        verbose_name_plural = _("regjistri i veprimtarive të përpunimit")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class ComplianceReport(models.Model):
    """Each clause of the policy with its controls, its tests and their last results."""

    class Meta:
        managed = False
        default_permissions = ("view",)
        verbose_name = _("raporti i përputhshmërisë")
        verbose_name_plural = _("raporti i përputhshmërisë")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
