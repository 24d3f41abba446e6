"""Giving a company's system a key to the contractor API, and taking it back (P10, P5).

Each act is on the access record: who gave (or took back) power over customers' data,
to which company, for which functions and so which fields, and under which key prefix.
The secret is returned once, to be shown once; only its hash is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contractor_api.keys import key_new
from contractor_api.models import ApiToken
from contractor_api.permissions import ApiTokenPermission
from contractor_api.selectors import company_functions
from contractors.access import allowed_fields
from contractors.models import ContractorCompany, ContractorFunction
from core.text import visible_text
from privacy.audit import access_record, actor_label
from privacy.models import AccessAction, AccessBasis

# How long a rotated key may keep working beside its successor, at most.
ROTATION_OVERLAP_MAX = timedelta(hours=72)


class ApiTokenError(Exception):
    """A key that cannot be issued, rotated or revoked; the message is for the staff member."""


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    # `<prefix>.<secret>`: shown once to the one who issued it, stored nowhere.
    presented: str


def _require(actor: Any, permission: ApiTokenPermission) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise ApiTokenError(
            _("Vetëm zyrtari i mbrojtjes së të dhënave ose një administrator jep çelësa API.")
        )


def _fields_of(functions: Iterable[ContractorFunction]) -> list[str]:
    return sorted({name for function in functions for name in allowed_fields(function)})


def _record(
    *,
    token: ApiToken,
    functions: Iterable[ContractorFunction],
    reason: str,
    actor: Any,
    ip_address: str | None,
) -> None:
    access_record(
        actor=actor,
        actor_label=actor_label(actor),
        subject_id=None,
        action=AccessAction.ACCOUNT_POWERS,
        fields=_fields_of(functions),
        basis=AccessBasis.ACCOUNT_ADMINISTRATION,
        reference=f"api:{token.prefix}",
        reason=reason,
        ip_address=ip_address,
    )


def api_token_issue_check(
    *,
    company: ContractorCompany,
    name: str,
    functions: Iterable[ContractorFunction],
    expires_at: datetime | None,
    now: datetime | None = None,
) -> None:
    """Refuse a key that cannot be given, before anything is written."""
    now = now or timezone.now()
    wanted = list(functions)
    if not visible_text(name):
        raise ApiTokenError(_("Shkruani për çfarë shërben çelësi."))
    if not wanted:
        raise ApiTokenError(_("Zgjidhni të paktën një funksion për çelësin."))
    held = set(company_functions(company).values_list("pk", flat=True))
    beyond = [function for function in wanted if function.pk not in held]
    if beyond:
        raise ApiTokenError(
            _(
                "%(company)s nuk e ka funksionin „%(function)s” te asnjë nga personat e saj: "
                "një çelës nuk sheh më shumë se kompania."
            )
            % {"company": company.name, "function": beyond[0].name_sq}
        )
    if expires_at is not None and expires_at <= now:
        raise ApiTokenError(_("Data e skadimit duhet të jetë në të ardhmen."))


def _token_create(
    *,
    company: ContractorCompany,
    name: str,
    functions: list[ContractorFunction],
    expires_at: datetime | None,
    rotated_from: ApiToken | None,
    actor: Any,
    now: datetime,
) -> IssuedToken:
    # 48 random bits of prefix: a clash with an existing key is practically impossible,
    # and the unique constraint refuses it rather than sharing a prefix.
    key = key_new()
    token = ApiToken.objects.create(
        company=company,
        name=visible_text(name),
        prefix=key.prefix,
        secret_hash=key.secret_hash,
        created_at=now,
        created_by=actor if getattr(actor, "pk", None) else None,
        expires_at=expires_at,
        rotated_from=rotated_from,
    )
    token.functions.set(functions)
    return IssuedToken(token=token, presented=key.presented)


def api_token_issue(
    *,
    company: ContractorCompany,
    name: str,
    functions: Iterable[ContractorFunction],
    expires_at: datetime | None = None,
    actor: Any,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> IssuedToken:
    """Give a company's system a key scoped to some of the functions the company holds."""
    now = now or timezone.now()
    wanted = list(functions)
    _require(actor, ApiTokenPermission.ISSUE)
    api_token_issue_check(
        company=company, name=name, functions=wanted, expires_at=expires_at, now=now
    )
    with transaction.atomic():
        issued = _token_create(
            company=company,
            name=name,
            functions=wanted,
            expires_at=expires_at,
            rotated_from=None,
            actor=actor,
            now=now,
        )
        _record(
            token=issued.token,
            functions=wanted,
            reason=(
                f"api_token_issued company={company.tax_number} "
                f"functions={','.join(sorted(f.slug for f in wanted))} "
                f"expires={expires_at.isoformat() if expires_at else 'never'}"
            ),
            actor=actor,
            ip_address=ip_address,
        )
    return issued


def api_token_rotate(
    *,
    token: ApiToken,
    overlap: timedelta = timedelta(0),
    actor: Any,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> IssuedToken:
    """Give the key's system a new secret; the old key stops now, or after `overlap`.

    The new key has the same company, name, expiry and the functions the company still
    holds of the old one's; it names the key it replaces.
    """
    now = now or timezone.now()
    _require(actor, ApiTokenPermission.ROTATE)
    if overlap < timedelta(0) or overlap > ROTATION_OVERLAP_MAX:
        raise ApiTokenError(
            _("Mbivendosja zgjat nga 0 deri në %(hours)s orë.")
            % {"hours": int(ROTATION_OVERLAP_MAX.total_seconds() // 3600)}
        )
    with transaction.atomic():
        old = ApiToken.objects.select_for_update().select_related("company").get(pk=token.pk)
        if old.revoked_at is not None:
            raise ApiTokenError(_("Ky çelës është revokuar ose ndërruar tashmë."))
        if not old.active_at(now):
            raise ApiTokenError(_("Ky çelës ka skaduar: jepni një të ri."))
        held = set(company_functions(old.company).values_list("pk", flat=True))
        functions = [function for function in old.functions.all() if function.pk in held]
        if not functions:
            raise ApiTokenError(
                _("Kompania nuk e ka më asnjë nga funksionet e këtij çelësi: revokojeni.")
            )
        issued = _token_create(
            company=old.company,
            name=old.name,
            functions=functions,
            expires_at=old.expires_at,
            rotated_from=old,
            actor=actor,
            now=now,
        )
        old.revoked_at = now + overlap
        old.save(update_fields=["revoked_at"])
        _record(
            token=issued.token,
            functions=functions,
            reason=(f"api_token_rotated from={old.prefix} old_stops={old.revoked_at.isoformat()}"),
            actor=actor,
            ip_address=ip_address,
        )
    token.revoked_at = old.revoked_at
    return issued


def api_token_revoke(
    *,
    token: ApiToken,
    actor: Any,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> ApiToken:
    """Take a key back at once; a rotated key still in its overlap stops now too."""
    now = now or timezone.now()
    _require(actor, ApiTokenPermission.REVOKE)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None and locked.revoked_at <= now:
            raise ApiTokenError(_("Ky çelës është revokuar tashmë."))
        locked.revoked_at = now
        locked.save(update_fields=["revoked_at"])
        _record(
            token=locked,
            functions=locked.functions.all(),
            reason="api_token_revoked",
            actor=actor,
            ip_address=ip_address,
        )
    token.revoked_at = locked.revoked_at
    return locked
