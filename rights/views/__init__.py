"""The customer's view of the access record (P5): who has seen their data, and why."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.views import signed_in_user
from privacy.selectors import access_entries_for
from rights.presentation import access_rows

ACCESS_LOG_PAGE_SIZE = 50


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    customer = signed_in_user(request)
    show_staff_names = settings.FEJZO_TRANSPARENCY_SHOWS_STAFF_NAMES
    paginator = Paginator(
        access_entries_for(customer, with_actors=show_staff_names), ACCESS_LOG_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("faqe"))
    return render(
        request,
        "rights/access_log.html",
        {
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "rows": access_rows(
                list(page.object_list), customer=customer, show_staff_names=show_staff_names
            ),
        },
    )
