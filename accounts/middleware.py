"""Staff sessions end 8 hours after sign-in or 30 minutes idle, on every page (P6, P14)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.devices import device_cookie_write
from accounts.sessions import (
    is_staff_session,
    staff_session_expired,
    staff_session_touch,
)


class StaffSessionMiddleware:
    """Sign a staff member out when their session is past its time; else note the request.

    Runs before the view, in the back office and the storefront alike, so a page is never
    served on an expired staff session: the view sees a visitor and asks for a sign-in.
    Customers' requests pass untouched.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if is_staff_session(request.user):
            now = timezone.now()
            if staff_session_expired(request.session, now=now):
                logout(request)
                messages.info(
                    request,
                    _(
                        "Për siguri, seanca e stafit mbyllet %(hours)d orë pas hyrjes ose pas "
                        "%(minutes)d minutash pa aktivitet. Hyni përsëri."
                    )
                    % {
                        "hours": settings.STAFF_SESSION_MAX_SECONDS // 3600,
                        "minutes": settings.STAFF_SESSION_IDLE_SECONDS // 60,
                    },
                )
            else:
                staff_session_touch(request.session, now=now)
        return self.get_response(request)


class KnownDeviceMiddleware:
    """Write the known-device cookie after a successful sign-in (accounts.devices)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        device_cookie_write(request, response)
        return response
