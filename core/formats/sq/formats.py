"""The site's dates, whatever the language: 27.11.2026 11:00 (see core.formats)."""

from core.formats import SITE_DATE_FORMAT, SITE_DATETIME_FORMAT

DATETIME_FORMAT = SITE_DATETIME_FORMAT
DATE_FORMAT = SITE_DATE_FORMAT
