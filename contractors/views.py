"""The contractor portal (P10): mobile first, no JavaScript, Albanian first. Thin views."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import wraps
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from contractors.access import (
    ContractorAccessRefused,
    JobNotTheirs,
    NotAContractor,
    contractor_person_of,
    job_fields_read,
    jobs_visible_to,
)
from contractors.forms import CodeForm, FailureForm, SignInForm
from contractors.models import ContractorPerson, JobStatus
from contractors.services import ContractorError, job_close
from contractors.two_factor import (
    TokenInvalid,
    device_enrol,
    device_of,
    enrolment_secret,
    qr_svg,
    secret_display,
    session_verified,
    session_verify,
)
from privacy.audit import client_address

View = Callable[..., HttpResponse]
WRONG_CODE = gettext_lazy("Kodi nuk përputhet. Shkruani kodin që tregon aplikacioni tani.")


def portal_view(view: View) -> View:
    """Admit a contractor's person whose session a TOTP code verified; never cached."""

    @wraps(view)
    @never_cache
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            person = contractor_person_of(request.user)
        except NotAContractor:
            return redirect("contractors:sign_in")
        if not session_verified(request):
            return redirect("contractors:code")
        return view(request, person, *args, **kwargs)

    return wrapped


@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    """Email and password; then the code. django-axes counts and locks out failures."""
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        try:
            contractor_person_of(user)
        except NotAContractor:
            form.add_error(
                None, _("Email-i ose fjalëkalimi nuk janë të sakta për një llogari kontraktori.")
            )
        else:
            login(request, user)
            return redirect("contractors:code")
    return render(request, "contractors/sign_in.html", {"form": form})


@never_cache
def code(request: HttpRequest) -> HttpResponse:
    """Ask for the code of the person's authenticator; send one without a device to enrol."""
    try:
        contractor_person_of(request.user)
    except NotAContractor:
        return redirect("contractors:sign_in")
    if device_of(request.user) is None:
        return redirect("contractors:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session_verify(request=request, token=form.cleaned_data["otp_token"])
        except TokenInvalid:
            form.add_error(
                "otp_token", _("Kodi nuk përputhet. Shkruani kodin që tregon aplikacioni tani.")
            )
        else:
            return redirect("contractors:jobs")
    return render(request, "contractors/code.html", {"form": form})


@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    """Show the QR code of a new authenticator; save it once a code matches."""
    try:
        contractor_person_of(request.user)
    except NotAContractor:
        return redirect("contractors:sign_in")
    if device_of(request.user) is not None:
        return redirect("contractors:code")
    secret = enrolment_secret(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device_enrol(request=request, token=form.cleaned_data["otp_token"])
        except TokenInvalid:
            form.add_error(
                "otp_token", _("Kodi nuk përputhet. Shkruani kodin që tregon aplikacioni tani.")
            )
        else:
            return redirect("contractors:jobs")
    context = {
        "form": form,
        "qr_svg": qr_svg(user=request.user, secret=secret),
        "secret_display": secret_display(secret),
    }
    return render(request, "contractors/enrol.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("contractors:sign_in")


@portal_view
def jobs(request: HttpRequest, person: ContractorPerson) -> HttpResponse:
    """Today's jobs (and earlier ones still open): times, function and order; no personal data."""
    today = timezone.localdate()
    end_of_today = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    listed = (
        jobs_visible_to(person).filter(window_start__lt=end_of_today).order_by("window_start", "pk")
    )
    return render(
        request,
        "contractors/jobs.html",
        {"person": person, "jobs": listed, "today": today, "JobStatus": JobStatus},
    )


def _refused(request: HttpRequest, refusal: ContractorAccessRefused) -> HttpResponse:
    # Another company's job and no job at all answer alike: nothing about it leaks.
    status = HTTPStatus.NOT_FOUND if isinstance(refusal, JobNotTheirs) else HTTPStatus.FORBIDDEN
    return render(request, "contractors/refused.html", {"message": str(refusal)}, status=status)


@portal_view
def job(request: HttpRequest, person: ContractorPerson, job_id: int) -> HttpResponse:
    """One job with the fields its function sees, and nothing else; the read is recorded.

    `?fusha=app.Model.field` (repeatable) narrows the read, as the API will.
    """
    wanted = request.GET.getlist("fusha") or None
    try:
        view = job_fields_read(
            user=request.user, job_id=job_id, fields=wanted, ip_address=client_address(request)
        )
    except ContractorAccessRefused as refusal:
        return _refused(request, refusal)
    return render(
        request,
        "contractors/job.html",
        {
            "person": person,
            "view": view,
            "job": view.job,
            "JobStatus": JobStatus,
            "failure_form": FailureForm(),
            "grace_hours": settings.CONTRACTOR_GRACE_HOURS,
        },
    )


@require_POST
@portal_view
def job_done(request: HttpRequest, person: ContractorPerson, job_id: int) -> HttpResponse:
    try:
        job_close(job_id=job_id, done=True, actor=request.user)
    except ContractorAccessRefused as refusal:
        return _refused(request, refusal)
    messages.success(request, _("U shënua e kryer. Faleminderit!"))
    return HttpResponseRedirect(reverse("contractors:jobs"))


@require_POST
@portal_view
def job_failed(request: HttpRequest, person: ContractorPerson, job_id: int) -> HttpResponse:
    form = FailureForm(request.POST)
    if form.is_valid():
        try:
            job_close(
                job_id=job_id,
                done=False,
                failure_reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ContractorAccessRefused as refusal:
            return _refused(request, refusal)
        except ContractorError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, _("U shënua që nuk u krye, me arsyen tuaj."))
            return HttpResponseRedirect(reverse("contractors:jobs"))
    errors = [str(error) for error in form.errors.get("reason", [])]
    messages.error(request, " ".join(errors) or _("Shkruani arsyen."))
    return HttpResponseRedirect(reverse("contractors:job", args=[job_id]))
