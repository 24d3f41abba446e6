"""The customer's support pages: their cases, a new case, one case's thread (P9)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.views import signed_in_user
from support.forms import CaseOpenForm, MessageForm
from support.models import CaseStatus
from support.selectors import case_of_customer, case_thread, cases_of_customer
from support.services import case_customer_reply, case_open_by_customer


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    cases = cases_of_customer(customer=signed_in_user(request))
    return render(request, "support/case_list.html", {"cases": cases})


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest) -> HttpResponse:
    customer = signed_in_user(request)
    form = CaseOpenForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_open_by_customer(
                customer=customer,
                summary=form.cleaned_data["summary"],
                body=form.cleaned_data["body"],
                order=form.cleaned_data["order"],
                actor=customer,
            )
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, _("Kërkesa juaj u dërgua. Do t'ju përgjigjemi këtu."))
            return redirect("support:case_detail", case_id=case.pk)
    return render(request, "support/case_open.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    customer = signed_in_user(request)
    case = case_of_customer(customer=customer, case_id=case_id)
    if case is None:
        raise Http404
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            case_customer_reply(case=case, body=form.cleaned_data["body"], actor=customer)
        except ValidationError as error:
            form.add_error("body", error)
            status = 400
        else:
            messages.success(request, _("Mesazhi u dërgua."))
            return redirect("support:case_detail", case_id=case.pk)
    elif request.method == "POST":
        status = 400
    context = {
        "case": case,
        "thread": case_thread(case=case),
        "form": form if case.status == CaseStatus.OPEN else None,
    }
    return render(request, "support/case_detail.html", context, status=status)
