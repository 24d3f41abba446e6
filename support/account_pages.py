"""What support adds to the account pages (P9): a section leading to the customer's cases.

Registered with accounts.extensions when accounts finds this module at start-up.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict

from accounts.extensions import ProfileSection, SectionShown, profile_section_add
from accounts.models import User
from support.models import CaseStatus
from support.selectors import cases_of_customer

SECTION_FORM_NAME = "support"


def support_section(
    request: HttpRequest, user: User, posted: QueryDict | None
) -> SectionShown | HttpResponse:
    """Show how many of the customer's cases are open, with links to them and a new one."""
    open_cases = cases_of_customer(customer=user).filter(status=CaseStatus.OPEN).count()
    return SectionShown(
        template_name="support/_account.html",
        context={"open_cases": open_cases},
        status=403 if posted is not None else 200,
    )


profile_section_add(ProfileSection(form_name=SECTION_FORM_NAME, show=support_section))
