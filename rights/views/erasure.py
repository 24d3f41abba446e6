"""The customer's side of erasure (P12): ask from the account, confirm from the mail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import PasswordRecheckForm
from accounts.views import signed_in_user
from core.http import sign_in_required, token_page
from rights.erasure.engine import Outcome
from rights.erasure.report import erasure_plan, holds_expected
from rights.models import ErasureRequest, ErasureState
from rights.requests.services import (
    ErasureRequestError,
    erasure_request_by_customer,
    erasure_request_confirm,
    erasure_request_for_token,
)


@sign_in_required
@require_http_methods(["GET", "POST"])
def erasure_request(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = PasswordRecheckForm(request.POST or None, request=request, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            erasure_request_by_customer(user=user, password=form.cleaned_data["password"])
        except ErasureRequestError as error:
            form.add_error("password", error.messages[0])
        else:
            messages.success(
                request,
                _(
                    "Ju dërguam një email me një lidhje. Hapeni dhe konfirmoni: "
                    "vetëm atëherë kërkesa hyn në fuqi."
                ),
            )
            return redirect("rights:erasure_request")
    plan = erasure_plan(user=user)
    pending = (
        ErasureRequest.objects.filter(subject=user, state=ErasureState.AWAITING_CONFIRMATION)
        .order_by("-received_at")
        .first()
    )
    return render(
        request,
        "rights/erasure_request.html",
        {
            "form": form,
            "erased": [line for line in plan if line.outcome == Outcome.ERASED],
            "anonymised": [line for line in plan if line.outcome == Outcome.ANONYMISED],
            "kept": [line for line in plan if line.outcome == Outcome.KEPT],
            "holds": holds_expected(user=user),
            "pending": pending,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def erasure_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Show a button for the link in the mail; only the POST confirms (link scanners GET)."""
    pending = erasure_request_for_token(token)
    if pending is None:
        return token_page(request, "rights/erasure_link_failed.html", status=404)
    if request.method == "POST":
        try:
            confirmed = erasure_request_confirm(token=token)
        except ErasureRequestError:
            return token_page(request, "rights/erasure_link_failed.html", status=404)
        if request.user.is_authenticated and request.user.pk == confirmed.subject_id:
            logout(request)
        return token_page(request, "rights/erasure_confirmed.html", {"request_": confirmed})
    return token_page(request, "rights/erasure_confirm.html", {"request_": pending})
