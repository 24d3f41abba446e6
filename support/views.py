"""The customer's support pages (their cases, a new case, one case's thread, its photos)
and the visitors' contact form (P9)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.throttles import mail_request_allowed
from accounts.views import signed_in_user
from mail.models import MailKind
from privacy.audit import client_address
from support.forms import CaseOpenForm, ContactForm, CustomerMessageForm
from support.models import CaseAttachment, CaseStatus
from support.selectors import case_of_customer, case_photo, case_thread, cases_of_customer
from support.services import (
    case_customer_reply,
    case_open_by_customer,
    case_open_by_visitor,
    cases_join_verified,
    photo_open,
)

# A photo is about a person: no cache keeps it, and a browser never guesses its type.
PHOTO_HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
}


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    cases = cases_of_customer(customer=signed_in_user(request))
    return render(request, "support/case_list.html", {"cases": cases})


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest) -> HttpResponse:
    customer = signed_in_user(request)
    form = CaseOpenForm(request.POST or None, request.FILES or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_open_by_customer(
                customer=customer,
                summary=form.cleaned_data["summary"],
                body=form.cleaned_data["body"],
                order=form.cleaned_data["order"],
                actor=customer,
                photos=form.cleaned_data["photos"],
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
    form = CustomerMessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            case_customer_reply(
                case=case,
                body=form.cleaned_data["body"],
                actor=customer,
                photos=form.cleaned_data["photos"],
            )
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


@login_required
@require_safe
def case_photo_view(request: HttpRequest, case_id: int, photo_id: int) -> FileResponse:
    """One of the customer's own case's photos; anyone else's answers 404."""
    case = case_of_customer(customer=signed_in_user(request), case_id=case_id)
    photo = case_photo(case=case, photo_id=photo_id) if case is not None else None
    if photo is None:
        raise Http404
    return photo_response(photo)


def photo_response(photo: CaseAttachment) -> FileResponse:
    """Return a case photo from the storage, kept out of every cache."""
    try:
        stored = photo_open(photo)
    except OSError as missing:
        raise Http404 from missing
    response = FileResponse(stored, content_type=photo.content_type)
    response["Content-Disposition"] = f'inline; filename="foto-{photo.pk}"'
    for name, value in PHOTO_HEADERS.items():
        response[name] = value
    return response


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    """The contact form: a visitor writes, staff answer by mail to the address given."""
    form = ContactForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.from_robot:
            # Answered like any message, so a robot learns nothing; nothing is kept.
            messages.success(request, _("Mesazhi juaj u dërgua. Do t'ju përgjigjemi me email."))
            return redirect("contact:form")
        email = form.cleaned_data["email"]
        if not mail_request_allowed(
            kind=MailKind.SUPPORT_REPLY, to_address=email, client_ip=client_address(request)
        ):
            form.add_error(
                None,
                _(
                    "Keni dërguar shumë mesazhe për pak kohë. Provoni përsëri pas një ore, "
                    "ose na shkruani te %(email)s."
                )
                % {"email": settings.CONTACT_EMAIL},
            )
            return render(request, "support/contact.html", {"form": form}, status=429)
        try:
            case_open_by_visitor(
                name=form.cleaned_data["name"],
                email=email,
                order_number=form.cleaned_data["order_number"],
                body=form.cleaned_data["body"],
                language=get_language() or settings.LANGUAGE_CODE,
                actor=None,
            )
        except ValidationError as error:
            form.add_error("body", error)
            status = 400
        else:
            if request.user.is_authenticated and request.user.email == email:
                # The signed-in customer's own verified address: theirs at once.
                cases_join_verified(user=request.user)
            messages.success(request, _("Mesazhi juaj u dërgua. Do t'ju përgjigjemi me email."))
            return redirect("contact:form")
    elif request.method == "POST":
        status = 400
    return render(request, "support/contact.html", {"form": form}, status=status)
