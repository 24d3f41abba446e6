"""The one base every back-office page that shows customers' personal data builds on (P5).

Lists and searches always show personal fields masked. A detail page shows a field in
full only when `staff.access` finds a live purpose whose role-matrix cell allows the
field's category; the page records the reveal in the access record. Without one it
shows masks, why, and, for roles that may, a break-glass form. Personal fields are
never edited here: customers correct their own data. There is no bulk export, and
the bulk delete action is removed.

Split by concern: `masking` (masked columns, per-request decisions, inlines),
`personal_data` (the model admin and its reason pages), `forms` (the typed reasons),
`customer_page` and `dashboard` (registration points other apps' admin.py use),
`display` (what every page shares). Import from here: `from staff.admin_base import X`.
"""

from staff.admin_base.charts import (
    CHART_WEEKS,
    Series,
    SeriesChart,
    days_from_today_text,
    percent,
    share_text,
    week_label,
    week_long_label,
)
from staff.admin_base.customer_page import (
    CustomerPageInline,
    customer_page_inline_add,
    customer_page_inlines,
)
from staff.admin_base.dashboard import (
    Bar,
    BarChart,
    DashboardPanel,
    Figure,
    Figures,
    Table,
    TableRow,
    dashboard_panel_add,
    dashboard_panels_for,
)
from staff.admin_base.display import (
    SITE_DATETIME_FORMAT,
    ReadOnlyAdmin,
    datetime_shown,
    object_id_path,
)
from staff.admin_base.forms import BreakGlassForm, OwnPurposeForm
from staff.admin_base.masking import (
    MASKED_PREFIX,
    PersonalDataInline,
    PersonalDataMasking,
)
from staff.admin_base.personal_data import PersonalDataAdmin, PersonalValue, PrintedPersonalData

__all__ = [
    "MASKED_PREFIX",
    "SITE_DATETIME_FORMAT",
    "Bar",
    "BarChart",
    "Series",
    "SeriesChart",
    "DashboardPanel",
    "Figure",
    "Figures",
    "Table",
    "TableRow",
    "dashboard_panel_add",
    "dashboard_panels_for",
    "BreakGlassForm",
    "CustomerPageInline",
    "OwnPurposeForm",
    "PersonalDataAdmin",
    "PersonalDataInline",
    "PersonalDataMasking",
    "PersonalValue",
    "PrintedPersonalData",
    "ReadOnlyAdmin",
    "customer_page_inline_add",
    "customer_page_inlines",
    "datetime_shown",
    "object_id_path",
    "days_from_today_text",
    "percent",
    "share_text",
    "week_label",
    "week_long_label",
    "CHART_WEEKS",
]
