"""Who reaches each page of the back office, by rule (P5, P14; core.access_matrix).

One rule covers every page the admin site serves, today's and any a ModelAdmin adds:
- anyone who is not staff is sent to the back office's sign-in (the officer's erasure
  requests and holds refuse a signed-in customer outright, `rights.admin.display`);
- a model's own pages follow the permissions the roles were granted
  (`privacy.roles.ROLE_PERMISSIONS`, which `roles_sync` gives the groups): the list,
  an object and its history need view or change, adding needs add, deleting delete;
- a page a ModelAdmin adds is declared below by its name, by the permission or the
  purpose it asks for. A page with no rule is undeclared, and the matrix fails on it.

The matrix test requests every page as each role, so a ModelAdmin whose own
`has_*_permission` disagrees with its grants shows up as a difference.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.db.models import Model
from django.urls import URLPattern

from core.access_matrix import Audience, Outcome
from privacy.models import AccessBasis
from privacy.roles import ROLE_PERMISSIONS, Role
from staff.access import ROLE_MATRIX

ADMIN_NAMESPACE = "admin:"
# Pages about one person's erasure request or hold: a customer who finds the address
# gets a 403, not the sign-in (rights.admin.display.refuse_outsiders).
OUTSIDERS_REFUSED = frozenset({"rights"})

RoleRule = Callable[[type[Model] | None, Role], Outcome]


def _holds(role: Role, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def _codename(model: type[Model] | None, action: str) -> str:
    assert model is not None, "a model page's rule needs its model"  # noqa: S101 - a wiring error
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def _allowed_if(condition: bool, refused: Outcome = Outcome.FORBIDDEN) -> Outcome:
    return Outcome.ALLOWED if condition else refused


def may_view(model: type[Model] | None, role: Role) -> Outcome:
    """Lists, an object, its history: Django's rule, view or change."""
    return _allowed_if(
        _holds(role, _codename(model, "view")) or _holds(role, _codename(model, "change"))
    )


def needs(action: str) -> RoleRule:
    """A page for those granted this model's `action` permission."""
    return lambda model, role: _allowed_if(_holds(role, _codename(model, action)))


def needs_permission(permission: str, *, granted: Outcome = Outcome.ALLOWED) -> RoleRule:
    """A page for those granted `permission` (its outcome for them may be `granted`)."""
    return lambda model, role: granted if _holds(role, permission) else Outcome.FORBIDDEN


def every_role(outcome: Outcome) -> RoleRule:
    return lambda model, role: outcome


def post_only(action: str) -> RoleRule:
    """A POST-only page: a GET by who may use it is 405, anyone else is refused first."""
    return lambda model, role: (
        Outcome.METHOD_NOT_ALLOWED if _holds(role, _codename(model, action)) else Outcome.FORBIDDEN
    )


def post_form(action: str) -> RoleRule:
    """A form that takes only a POST from who may use it, and refuses their GET with 403."""
    return lambda model, role: (
        Outcome.FORBIDDEN_GET if _holds(role, _codename(model, action)) else Outcome.FORBIDDEN
    )


def hidden_rows_history(model: type[Model] | None, role: Role) -> Outcome:
    """A register whose rows other roles cannot see: Django finds no row and sends them on."""
    return _allowed_if(may_view(model, role) is Outcome.ALLOWED, Outcome.REDIRECT)


def break_glass(model: type[Model] | None, role: Role) -> Outcome:
    """The reason form: who sees the model and whose role may break the glass (ROLE_MATRIX)."""
    return _allowed_if(
        may_view(model, role) is Outcome.ALLOWED
        and AccessBasis.BREAK_GLASS in ROLE_MATRIX.get(role, {})
    )


def handler_only(model: type[Model] | None, role: Role) -> Outcome:
    """A case's photo: only who handles the case (the matrix assigns it to customer care)."""
    return _allowed_if(role is Role.CUSTOMER_CARE)


# The model's own pages, by the suffix of their URL name.
MODEL_PAGES: dict[str, RoleRule] = {
    "changelist": may_view,
    "change": may_view,
    "history": may_view,
    "add": needs("add"),
    "delete": needs("delete"),
}

# The pages ModelAdmins add, by URL name (without the namespace).
EXTRA_PAGES: dict[str, RoleRule] = {
    # staff.admin_base.personal_data, on every page that shows personal data.
    **{
        f"{label}_break_glass": break_glass
        for label in (
            "orders_order",
            "subscriptions_subscriber",
            "support_supportcase",
            "contractors_job",
            "accounts_user",
            "mail_outboxmessage",
        )
    },
    # Opens a purpose the staff member made themselves; the matrix's staff made none.
    **{
        f"{label}_own_purpose": every_role(Outcome.FORBIDDEN)
        for label in (
            "orders_order",
            "subscriptions_subscriber",
            "support_supportcase",
            "contractors_job",
            "accounts_user",
            "mail_outboxmessage",
        )
    },
    "orders_order_change_status": every_role(Outcome.METHOD_NOT_ALLOWED),
    "policy_policydraft_preview": may_view,
    "orders_order_packing_slip": lambda model, role: _allowed_if(
        may_view(model, role) is Outcome.ALLOWED and _holds(role, "orders.change_order_status")
    ),
    # Without ?account= the form has nobody to register: 404 for who may register.
    "rights_erasurerequest_register": needs_permission(
        "rights.register_erasurerequest", granted=Outcome.NOT_FOUND
    ),
    "rights_erasurerequest_execute": needs_permission("rights.handle_erasurerequest"),
    "rights_erasurerequest_extend": needs_permission("rights.handle_erasurerequest"),
    "rights_erasurerequest_hold": needs_permission("rights.handle_erasurerequest"),
    "rights_legalhold_lift": needs_permission("rights.change_legalhold"),
    "subscriptions_subscriber_record_optout": needs_permission("subscriptions.record_optout"),
    "campaigns_campaign_preview": may_view,
    "campaigns_campaign_preview_html": may_view,
    "campaigns_campaign_progress": may_view,
    "campaigns_campaign_send_test": post_only("change"),
    "campaigns_campaign_unschedule": post_only("change"),
    "campaigns_campaign_schedule": needs("change"),
    "campaigns_campaign_send": needs("change"),
    "campaigns_campaign_cancel": needs("change"),
    "support_supportcase_expert_list": every_role(Outcome.ALLOWED),
    # An expert's page opens on an invitation; the matrix's staff hold none.
    "support_supportcase_expert": every_role(Outcome.FORBIDDEN),
    "support_supportcase_photo": handler_only,
    "contractor_api_apitoken_rotate": needs_permission("contractor_api.rotate_apitoken"),
    "contractor_api_apitoken_revoke": needs_permission("contractor_api.revoke_apitoken"),
    # Requests from authorities are registered on their own form, holds placed from
    # the request or case they protect: Django's add page is shut for every role.
    "legal_legalrequest_add": every_role(Outcome.FORBIDDEN),
    "rights_legalhold_add": every_role(Outcome.FORBIDDEN),
    "legal_legalrequest_history": hidden_rows_history,
    "breaches_breach_history": hidden_rows_history,
    # The reset link of the customers' admin: a superuser's alone (staff.admin.accounts),
    # which no role is.
    "auth_user_password_change": every_role(Outcome.FORBIDDEN),
    "legal_legalrequest_register": needs("view"),
    "legal_legalrequest_decide": needs("view"),
    "legal_legalrequest_disclose": needs("view"),
    "legal_legalrequest_document": needs("view"),
    # The breach register's forms answer only a POST and refuse a GET with a 403.
    **{
        f"breaches_breach_{page}": post_form("view")
        for page in ("revealed", "values", "person_add", "person_remove", "notices")
    },
    "compliance_processingrecords_json": may_view,
    "compliance_processingrecords_pdf": may_view,
    "compliance_compliancereport_pdf": may_view,
    # django-otp's own pages: no role is granted its devices.
    "otp_totp_totpdevice_config": may_view,
    "otp_totp_totpdevice_qrcode": may_view,
}


def _staff_page(outcome: Outcome) -> Audience:
    return Audience(
        anonymous=Outcome.SIGN_IN,
        owner=Outcome.SIGN_IN,
        other_customer=Outcome.SIGN_IN,
        contractor=Outcome.SIGN_IN,
        staff=outcome,
    )


# The site's own pages, by URL name.
SITE_PAGES: dict[str, Audience] = {
    "two_factor": _staff_page(Outcome.ALLOWED),
    "index": _staff_page(Outcome.ALLOWED),
    "password_change": _staff_page(Outcome.ALLOWED),
    "password_change_done": _staff_page(Outcome.ALLOWED),
    "jsi18n": _staff_page(Outcome.ALLOWED),
    # Without a field to complete, Django refuses.
    "autocomplete": _staff_page(Outcome.FORBIDDEN),
    "view_on_site": _staff_page(Outcome.REDIRECT),
    "login": Audience(
        anonymous=Outcome.ALLOWED,
        owner=Outcome.ALLOWED,
        other_customer=Outcome.ALLOWED,
        contractor=Outcome.ALLOWED,
        staff=Outcome.REDIRECT,
    ),
    # Signing out takes a POST; someone not signed in is sent on.
    "logout": Audience(
        anonymous=Outcome.REDIRECT,
        owner=Outcome.REDIRECT,
        other_customer=Outcome.REDIRECT,
        contractor=Outcome.REDIRECT,
        staff=Outcome.METHOD_NOT_ALLOWED,
    ),
}


def _audience(model: type[Model] | None, rule: RoleRule) -> Audience:
    outsiders = Outcome.SIGN_IN
    if model is not None and model._meta.app_label in OUTSIDERS_REFUSED:
        outsiders = Outcome.FORBIDDEN
    roles = {role.value: rule(model, role) for role in Role}
    return Audience(
        anonymous=Outcome.SIGN_IN,
        owner=outsiders,
        other_customer=outsiders,
        contractor=outsiders,
        staff=Outcome.FORBIDDEN,
        roles=roles,
    )


def _model_of(label: str) -> tuple[type[Model], str] | None:
    """Return the registered model a page name starts with, and the rest of the name."""
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if label.startswith(prefix):
            return model, label.removeprefix(prefix)
    return None


def _app_list(model: type[Model] | None, role: Role) -> Outcome:
    """An app's page (the matrix asks for orders): shown to roles granted any of its models."""
    return _allowed_if(
        any(permission.startswith("orders.") for permission in ROLE_PERMISSIONS[role]),
        Outcome.NOT_FOUND,
    )


def admin_audience(name: str, pattern: URLPattern) -> Audience | None:
    """Return who reaches this back-office page, or None where no rule says (a failure)."""
    if not name.startswith(ADMIN_NAMESPACE):
        # Unnamed: an object's bare address (sends on to its change page) or the catch-all.
        model = next(
            (
                m
                for m in admin.site._registry
                if f"/{m._meta.app_label}/{m._meta.model_name}/" in name
            ),
            None,
        )
        outcome = Outcome.REDIRECT if model is not None else Outcome.NOT_FOUND
        return _audience(model, every_role(outcome))
    label = name.removeprefix(ADMIN_NAMESPACE)
    if label in SITE_PAGES:
        return SITE_PAGES[label]
    if label == "app_list":
        return _audience(None, _app_list)
    found = _model_of(label)
    if label in EXTRA_PAGES:
        return _audience(found[0] if found else None, EXTRA_PAGES[label])
    if found is None or found[1] not in MODEL_PAGES:
        return None
    return _audience(found[0], MODEL_PAGES[found[1]])
