"""Staff register an erasure request told to them by email, phone or in person (P12, P15).

Opened from the customer's page, like the opt-out tool. The person's identity is not
taken on staff's word: `erasure_request_register` mails a confirmation link to the
account's own address, and nothing is erased until the person opens it.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import User
from accounts.permissions import AccountPermission
from rights.admin.display import (
    ACCOUNT_PARAMETER,
    ErasurePermission,
    day_text,
    error_text,
    subject_label,
)
from rights.admin.forms import ErasureRegisterForm
from rights.models import OPEN_ERASURE_STATES, ErasedSubject, ErasureRequest, ErasureState
from rights.requests.services import ErasureRequestError, erasure_request_register

TEMPLATE = "admin/rights/erasurerequest/register.html"


def register_url(account_id: int) -> str:
    """Return the registration page for one account, as the customer's page links it."""
    return f"{reverse('admin:rights_erasurerequest_register')}?{ACCOUNT_PARAMETER}={account_id}"


def register_view(model_admin: Any, request: HttpRequest) -> HttpResponse:
    """Register a request that came by email, phone or in person; mail the identity check."""
    if not request.user.has_perm(ErasurePermission.REGISTER):
        raise PermissionDenied
    account_id = request.GET.get(ACCOUNT_PARAMETER, "")
    if not account_id.isdigit():
        raise Http404
    account = get_object_or_404(User, pk=int(account_id))
    # Nothing is left to erase, and no address to confirm with.
    erased = ErasedSubject.objects.filter(user=account).exists()
    before = (
        ErasureRequest.objects.filter(subject=account, state__in=OPEN_ERASURE_STATES)
        .order_by("-received_at")
        .first()
    )
    form = ErasureRegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if erased:
            messages.error(request, gettext("Të dhënat e kësaj llogarie janë fshirë tashmë."))
        else:
            try:
                registered = erasure_request_register(
                    subject=account,
                    channel=form.chosen_channel,
                    received_on=form.cleaned_data["received_on"],
                    actor=cast(User, request.user),
                )
            except ErasureRequestError as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, _registered_message(registered, before))
                return HttpResponseRedirect(_account_page(request, account))
    return TemplateResponse(
        request,
        TEMPLATE,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": gettext("Regjistro kërkesë për fshirje"),
            "form": form,
            "account": subject_label(account.pk, None),
            "account_url": _account_page(request, account),
            "erased": erased,
            "open_request": before,
        },
    )


def _registered_message(registered: ErasureRequest, before: ErasureRequest | None) -> str:
    if before is not None and before.state == ErasureState.VERIFIED:
        return gettext(
            "Ky klient e ka konfirmuar tashmë kërkesën #%(number)s: zyrtari i mbrojtjes së të "
            "dhënave e zbaton deri më %(date)s."
        ) % {"number": registered.pk, "date": day_text(registered.due_at)}
    if before is not None:
        return gettext(
            "Ky klient e kishte bërë tashmë kërkesën #%(number)s. Klientit iu dërgua sërish "
            "një lidhje për të konfirmuar identitetin."
        ) % {"number": registered.pk}
    return gettext(
        "Klientit iu dërgua një lidhje për të konfirmuar identitetin. Kërkesa #%(number)s, "
        "afati %(date)s."
    ) % {"number": registered.pk, "date": day_text(registered.due_at)}


def _account_page(request: HttpRequest, account: User) -> str:
    if request.user.has_perm(AccountPermission.VIEW_USER):
        return reverse("admin:accounts_user_change", args=[account.pk])
    return reverse("admin:index")
