"""The customer's download of their data (P12): ask with the password, take it from the mail."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.forms import PasswordRecheckForm
from accounts.views import signed_in_user
from core.http import sign_in_required, token_page
from rights.export import (
    ExportUnavailable,
    PasswordIncorrect,
    data_export_download,
    data_export_for_token,
    data_export_request,
    data_export_states,
)
from rights.export.sections import export_section_titles


class DataExportForm(PasswordRecheckForm):
    refused = gettext_lazy("Fjalëkalimi nuk është i saktë. Nuk përgatitëm asnjë skedar.")


@sign_in_required
@require_http_methods(["GET", "POST"])
def export_request(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = DataExportForm(
        request.POST if request.method == "POST" else None, request=request, user=user
    )
    if request.method == "POST" and form.is_valid():
        try:
            data_export_request(
                user=user, password=form.cleaned_data["password"], language=user.language
            )
        except PasswordIncorrect as refused:
            form.add_error("password", refused)
        else:
            messages.success(request, _("Do t'ju dërgojmë një email kur skedari të jetë gati."))
            return redirect("rights:export_request")
    return render(
        request,
        "rights/export_request.html",
        {
            "form": form,
            "sections": export_section_titles(),
            "exports": data_export_states(user=user),
            "link_days": settings.DATA_EXPORT_LINK_DAYS,
        },
        status=400 if form.errors else 200,
    )


@sign_in_required
@require_GET
def export_download(request: HttpRequest, token: str) -> HttpResponseBase:
    """Give the ZIP to the customer it is about; the same 404 for every other case."""
    user = signed_in_user(request)
    export = data_export_for_token(token=token, user=user)
    try:
        if export is None:
            raise ExportUnavailable
        stream = data_export_download(export=export, user=user)
    except ExportUnavailable:
        return token_page(request, "rights/export_unavailable.html", status=404)
    response = StreamingHttpResponse(stream, content_type="application/zip")
    day = timezone.localdate(export.ready_at) if export.ready_at else timezone.localdate()
    response["Content-Disposition"] = f'attachment; filename="3vfejzo-te-dhenat-{day:%Y-%m-%d}.zip"'
    response["Content-Length"] = str(export.size)
    # The headers of private_response, by hand: it takes a rendered page.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
