"""Disclose an approved request: build the sealed package, record each person's disclosure,
hand the package over by a link that expires, and tell the people unless forbidden (P11)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.clauses import enforces
from legal.files import (
    sealed_file_open,
    sealed_file_save,
    sealed_files_delete,
    sealed_files_delete_on_commit,
)
from legal.models import (
    DISCLOSING_OUTCOMES,
    DisclosurePackage,
    LegalRequest,
    LegalRequestPerson,
)
from legal.package import PersonPart, Scope, package_chunks, person_part
from legal.services.errors import LegalRequestError, check_legal_officer
from legal.services.notices import notices_send_for
from privacy.audit import Access, access_record_many
from privacy.models import AccessAction, AccessBasis
from privacy.registry import Category

logger = logging.getLogger(__name__)

LINK_SALT = "legal.disclosure-package"
# How long the authority's link works; the file is deleted once it has expired.
PACKAGE_LINK_LIFETIME = timedelta(days=7)


class PackageUnavailable(Exception):
    """A link that is not genuine, has expired, or whose file is gone: a 404 for all."""


def package_link(package: DisclosurePackage) -> str:
    """Return the signed address the officer hands to the authority."""
    token = signing.dumps(package.public_id, salt=LINK_SALT)
    with translation.override("sq"):
        path = reverse("legal:package_download", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


def _scope(request: LegalRequest) -> Scope:
    assert request.approved_start is not None and request.approved_end is not None
    return Scope(
        categories=frozenset(Category(value) for value in request.approved_categories),
        start=request.approved_start,
        end=request.approved_end,
    )


def _head(request: LegalRequest) -> dict[str, object]:
    return {
        "number": request.number,
        "authority_kind": request.authority_kind,
        "requester": request.requester,
        "reference": request.reference,
        "legal_basis": request.legal_basis,
        "categories": list(request.approved_categories),
        "period": {"from": request.approved_start, "to": request.approved_end},
    }


@enforces("P11", "only what the officer approved, each disclosure on the person's access record")
def legal_request_disclose(
    *, request: LegalRequest, actor: User, now: datetime | None = None
) -> DisclosurePackage:
    """Build the package of an approved request and record the disclosure, person by person.

    The package holds, for each person, only the approved categories' fields of the
    approved period (legal.package). Each person's entry in the access record names the
    fields given. The people are mailed now unless the officer withheld the notice; then
    the daily job mails them on the day it ends. A request is disclosed once: a second
    call, or two at once, build one package.
    """
    check_legal_officer(actor)
    now = now or timezone.now()
    if request.outcome not in DISCLOSING_OUTCOMES:
        raise LegalRequestError(_("Jepen të dhëna vetëm për një kërkesë të miratuar."))
    scope = _scope(request)
    people = list(User.objects.filter(legal_requests__request=request).order_by("pk"))
    with translation.override("sq"):
        parts = [person_part(person, scope) for person in people]
    package = DisclosurePackage(
        request=request, built_at=now, expires_at=now + PACKAGE_LINK_LIFETIME
    )
    stored = sealed_file_save(
        model=DisclosurePackage,
        public_id=package.public_id,
        chunks=package_chunks(head=_head(request), parts=parts, now=now),
        kind="packages",
    )
    try:
        with transaction.atomic():
            locked = LegalRequest.objects.select_for_update().get(pk=request.pk)
            if DisclosurePackage.objects.filter(request=locked).exists():
                raise LegalRequestError(_("Të dhënat e kësaj kërkese janë dhënë tashmë."))
            package.storage_name, package.file_key = stored.storage_name, stored.sealed_key
            package.fields = sorted({name for part in parts for name in part.fields})
            package.save()
            _record(locked, parts, actor=actor, now=now)
            notices_send_for(locked, now=now)
    except BaseException:
        sealed_files_delete([stored.storage_name])
        raise
    return package


def _record(request: LegalRequest, parts: list[PersonPart], *, actor: User, now: datetime) -> None:
    LegalRequestPerson.objects.filter(request=request).update(disclosed_at=now)
    access_record_many(
        Access(
            actor=actor,
            subject_id=part.account_id,
            action=AccessAction.DISCLOSE,
            fields=part.fields,
            basis=AccessBasis.LEGAL_REQUEST,
            reference=request.number,
        )
        for part in parts
    )


def package_for_token(*, token: str, now: datetime | None = None) -> DisclosurePackage:
    """Return the package a link names while it may be taken; else PackageUnavailable."""
    now = now or timezone.now()
    try:
        public_id = signing.loads(token, salt=LINK_SALT, max_age=PACKAGE_LINK_LIFETIME)
    except signing.BadSignature as exc:
        raise PackageUnavailable from exc
    package = DisclosurePackage.objects.filter(public_id=str(public_id)).first()
    if package is None or package.expires_at <= now or not package.file_key:
        raise PackageUnavailable
    return package


def package_take(
    *, token: str, now: datetime | None = None
) -> tuple[DisclosurePackage, Iterator[bytes]]:
    """Open the package for the authority holding a live link; note when it was first taken."""
    now = now or timezone.now()
    package = package_for_token(token=token, now=now)
    try:
        stream = sealed_file_open(
            model=DisclosurePackage,
            public_id=package.public_id,
            storage_name=package.storage_name,
            sealed_key=package.file_key,
        )
    except Exception as exc:
        logger.warning("A disclosure package did not open.", extra={"package": package.pk})
        raise PackageUnavailable from exc
    DisclosurePackage.objects.filter(pk=package.pk, taken_at__isnull=True).update(taken_at=now)
    return package, stream


def packages_expire(*, now: datetime | None = None) -> int:
    """Delete the files of packages whose link has expired; keep the rows as the record."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = list(
            DisclosurePackage.objects.select_for_update()
            .filter(expires_at__lte=now)
            .exclude(storage_name="")
        )
        for package in expired:
            sealed_files_delete_on_commit([package.storage_name])
            package.storage_name, package.file_key = "", ""
            package.save(update_fields=["storage_name", "file_key"])
    return len(expired)
