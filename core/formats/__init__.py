"""How the shop writes a moment and a day, on the storefront and in the back office.

Django reads the language modules below (FORMAT_MODULE_PATH), so every date Django
formats by name (`DATETIME_FORMAT`: the admin's read-only fields, lists and history)
reads as the site's pages write it: 27.11.2026 11:00, in local time.
"""

SITE_DATETIME_FORMAT = "d.m.Y H:i"
SITE_DATE_FORMAT = "d.m.Y"
