from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.extensions import SectionShown, profile_sections
from accounts.forms import (
    AddressForm,
    EmailAuthenticationForm,
    EmailChangeForm,
    OutboxPasswordResetForm,
    OutboxSetPasswordForm,
    ProfileForm,
    RegistrationForm,
)
from accounts.models import Language, User
from accounts.selectors import (
    address_get,
    address_list,
    email_change_for_token,
    email_change_pending,
)
from accounts.services import (
    EmailChangeLinkExpired,
    EmailChangeLinkInvalid,
    EmailChangeRefused,
    EmailUnchanged,
    PasswordIncorrect,
    PolicyVersionOutdated,
    address_delete,
    address_save,
    email_change_confirm,
    email_change_request,
    email_verification_send,
    email_verify,
    profile_update,
    registration_submit,
)
from accounts.throttles import mail_request_allowed
from core.http import client_ip_address, token_page
from mail.models import MailKind
from policy.models import DocumentKind
from policy.selectors import policy_current_version
from privacy.masking import mask_email


def signed_in_user(request: HttpRequest) -> User:
    """Return the account behind a request that login_required has already let through."""
    user = request.user
    assert isinstance(user, User)
    return user


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    versions = {
        "terms_version": policy_current_version(kind=DocumentKind.TERMS),
        "privacy_version": policy_current_version(kind=DocumentKind.PRIVACY),
    }
    form = RegistrationForm(request.POST or None, initial=versions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        language = get_language() if get_language() in Language.values else Language.ALBANIAN
        try:
            registration_submit(
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                phone_e164=data["phone"],
                password=data["password1"],
                language=language,
                terms_version=data["terms_version"],
                privacy_version=data["privacy_version"],
                current_terms_version=versions["terms_version"],
                current_privacy_version=versions["privacy_version"],
                client_ip=client_ip_address(request),
                answers=form.added_answers(),
            )
        except PolicyVersionOutdated:
            messages.warning(
                request,
                _(
                    "Kushtet ose Politikat u përditësuan ndërkohë. "
                    "Lexoni versionin e ri dhe pranojeni."
                ),
            )
            form = RegistrationForm(initial=versions)
        else:
            # The same answer whether the address was new or had an account (P14), and
            # nobody is signed in: the address's owner signs in once it is verified.
            done = reverse("accounts:register_done")
            next_url = _safe_next(request, "")
            return redirect(f"{done}?{urlencode({'next': next_url})}" if next_url else done)
    return render(
        request,
        "accounts/register.html",
        {
            "form": form,
            "next": _safe_next(request, ""),
            "terms_url": reverse("policy:terms"),
            "privacy_url": reverse("policy:privacy"),
        },
    )


def register_done(request: HttpRequest) -> HttpResponse:
    """Say a mail is on its way: to verify a new account, or to the owner of an old one."""
    login_url = reverse("accounts:login")
    next_url = _safe_next(request, "")
    if next_url:
        login_url = f"{login_url}?{urlencode({'next': next_url})}"
    return render(request, "accounts/register_done.html", {"login_url": login_url})


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    own_verified_account = user is not None and user.pk == request.user.pk and user.email_verified
    if own_verified_account or (user is not None and email_verify(user=user, token=token)):
        if request.user.is_authenticated:
            messages.success(request, _("Email-i juaj u verifikua. Tani mund të porosisni."))
            return redirect("cart:detail")
        messages.success(
            request, _("Email-i juaj u verifikua. Hyni në llogari dhe mund të porosisni.")
        )
        login_url = reverse("accounts:login")
        return redirect(f"{login_url}?{urlencode({'next': reverse('cart:detail')})}")
    return render(request, "accounts/verify_failed.html", status=400)


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not user.email_verified:
        # Anyone can register with anyone's address and press this: past the limit no
        # mail is written (P14). The account holder already knows the address is theirs,
        # so they are told honestly.
        if mail_request_allowed(
            kind=MailKind.EMAIL_VERIFICATION,
            to_address=user.email,
            client_ip=client_ip_address(request),
        ):
            email_verification_send(user=user)
            messages.success(request, _("Ju dërguam një lidhje të re verifikimi."))
        else:
            messages.warning(
                request,
                _(
                    "Ju kemi dërguar disa lidhje verifikimi së fundmi. Shikoni edhe te "
                    "dosja e postës së padëshiruar, ose provoni përsëri pas një ore."
                ),
            )
    # An address, never a view name: shortcuts.redirect() would try to reverse "next".
    return HttpResponseRedirect(_safe_next(request, fallback=str(reverse_lazy("accounts:profile"))))


def _with_orders_note(message: str, orders_updated: int) -> str:
    """Add to a saved-correction message how many unshipped orders took it too (P12)."""
    if not orders_updated:
        return message
    note = ngettext(
        "U përditësua edhe %(count)d porosi që nuk është nisur ende.",
        "U përditësuan edhe %(count)d porosi që nuk janë nisur ende.",
        orders_updated,
    ) % {"count": orders_updated}
    return f"{message} {note}"


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    posted = request.POST if request.method == "POST" else None
    # Besides the account's own form, the page holds the forms of the sections other apps
    # add (accounts.extensions); a section's form names it in the hidden field `form`.
    sent_to = posted.get("form") if posted is not None else None
    sections = profile_sections()
    section_posted = any(section.form_name == sent_to for section in sections)
    form = ProfileForm.for_user(user, data=None if section_posted else posted)
    shown: list[SectionShown] = []
    for section in sections:
        outcome = section.show(request, user, posted if section.form_name == sent_to else None)
        if isinstance(outcome, HttpResponse):
            return outcome
        shown.append(outcome)
    if posted is not None and not section_posted and form.is_valid():
        saved = profile_update(
            user=user,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            phone_e164=form.cleaned_data["phone"],
            language=form.cleaned_data["language"],
        )
        messages.success(
            request, _with_orders_note(_("Të dhënat u ruajtën."), saved.orders_updated)
        )
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "addresses": address_list(user=user)[:3],
            "email_form": EmailChangeForm(request=request, user=user),
            "email_change": email_change_pending(user=user),
            "sections": shown,
        },
        # A section that refused the form posted to it (403) answers for the page.
        status=max((section.status for section in shown), default=200),
    )


@login_required
def addresses(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(request, "accounts/address_list.html", {"addresses": address_list(user=user)})


@login_required
def address_edit(request: HttpRequest, address_id: int | None = None) -> HttpResponse:
    user = signed_in_user(request)
    address = address_get(user=user, address_id=address_id) if address_id is not None else None
    form = AddressForm.for_address(address, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = address_save(
            user=user,
            address=address,
            municipality=form.cleaned_data["municipality"],
            street=form.cleaned_data["street"],
            courier_notes=form.cleaned_data["courier_notes"],
            make_default=form.cleaned_data["make_default"],
        )
        messages.success(request, _with_orders_note(_("Adresa u ruajt."), saved.orders_updated))
        return HttpResponseRedirect(
            _safe_next(request, fallback=str(reverse_lazy("accounts:addresses")))
        )
    return render(
        request,
        "accounts/address_form.html",
        {"form": form, "address": address, "next": _safe_next(request, "")},
    )


@login_required
def address_remove(request: HttpRequest, address_id: int) -> HttpResponse:
    user = signed_in_user(request)
    address = address_get(user=user, address_id=address_id)
    if request.method == "POST":
        address_delete(user=user, address=address)
        messages.success(request, _("Adresa u fshi."))
        return redirect("accounts:addresses")
    return render(request, "accounts/address_confirm_delete.html", {"address": address})


@login_required
@require_http_methods(["GET", "POST"])
def change_email(request: HttpRequest) -> HttpResponse:
    """Take a new address and the current password; mail the new address a link (P12)."""
    user = signed_in_user(request)
    form = EmailChangeForm(
        request.POST if request.method == "POST" else None, request=request, user=user
    )
    if request.method == "POST" and form.is_valid():
        if not mail_request_allowed(
            kind=MailKind.EMAIL_CHANGE_CONFIRM,
            to_address=form.cleaned_data["new_email"],
            client_ip=client_ip_address(request),
        ):
            form.add_error(
                None,
                _(
                    "Kohët e fundit u kërkuan shumë email-e drejt kësaj adrese ose nga kjo "
                    "lidhje interneti. Email-i nuk ndryshoi dhe nuk u dërgua asgjë. "
                    "Provoni përsëri më vonë."
                ),
            )
            return render(request, "accounts/email_change.html", {"form": form}, status=429)
        try:
            email_change_request(
                user=user,
                new_email=form.cleaned_data["new_email"],
                password=form.cleaned_data["password"],
            )
        except PasswordIncorrect as refused:
            form.add_error("password", str(refused))
        except EmailUnchanged as refused:
            form.add_error("new_email", str(refused))
        else:
            messages.success(
                request,
                _(
                    "Ju dërguam një lidhje në adresën e re. Email-i i llogarisë ndryshon "
                    "vetëm pasi ta hapni dhe të shtypni «Konfirmo adresën e re»."
                ),
            )
            return redirect(f"{reverse('accounts:profile')}#email")
    return render(request, "accounts/email_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
def confirm_email_change(request: HttpRequest, token: str) -> HttpResponse:
    """Show the change a mailed link names with a button; only the button's POST changes it.

    Mail scanners follow links, so a GET changes nothing. No sign-in is needed: the
    token is the authority. Only the account's owner, signed in, sees the new address
    in full; anyone else holding the link sees it masked.
    """
    if request.method == "POST":
        try:
            # The account's other sessions end; this one stays if it is the account's.
            user = email_change_confirm(token=token, keep_session_key=request.session.session_key)
        except EmailChangeRefused as refused:
            return token_page(
                request, "accounts/email_change_failed.html", {"reason": str(refused)}, status=400
            )
        if request.user.pk == user.pk:
            messages.success(
                request, _("Email-i i llogarisë u ndryshua. Nga tani hyni me adresën e re.")
            )
            return redirect(f"{reverse('accounts:profile')}#email")
        return token_page(
            request, "accounts/email_change_done.html", {"new_email": mask_email(user.email)}
        )
    change = email_change_for_token(token=token)
    if change is None or change.is_expired():
        reason = EmailChangeLinkInvalid() if change is None else EmailChangeLinkExpired()
        return token_page(
            request, "accounts/email_change_failed.html", {"reason": str(reason)}, status=400
        )
    owner = request.user.pk == change.user_id
    return token_page(
        request,
        "accounts/email_change_confirm.html",
        {"new_email": change.new_email if owner else mask_email(change.new_email)},
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: OutboxPasswordResetForm) -> HttpResponse:
        """Mail the link unless the address or the client asked too often (P14).

        Throttled or not, known address or not, the answer is the same page: "if the
        address has an account, we sent a link".
        """
        if mail_request_allowed(
            kind=MailKind.PASSWORD_RESET,
            to_address=form.cleaned_data["email"],
            client_ip=client_ip_address(self.request),
        ):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = OutboxSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
