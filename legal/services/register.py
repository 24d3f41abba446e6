"""Register a legal request with its scope and documents (P11)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.text import letter_count, visible_text
from legal.files import sealed_file_save, sealed_files_delete
from legal.models import AuthorityKind, LegalDocument, LegalRequest, LegalRequestPerson
from legal.package import disclosable_categories
from legal.services.errors import LegalRequestError, check_legal_officer
from privacy.registry import Category

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENTS_PER_REQUEST = 10


@dataclass(frozen=True)
class DocumentUpload:
    """A document as the officer sent it: a title they typed and the file's bytes."""

    title: str
    content: bytes
    content_type: str


def _check_dates(*, received_on: date, deadline: date, start: date, end: date, today: date) -> None:
    if received_on > today:
        raise LegalRequestError(_("Data kur u mor kërkesa nuk mund të jetë në të ardhmen."))
    if deadline < received_on:
        raise LegalRequestError(
            _("Afati nuk mund të jetë para datës kur u mor kërkesa. Kontrolloni të dyja datat.")
        )
    if end < start:
        raise LegalRequestError(
            _(
                "Periudha është së prapthi: data „nga” duhet të jetë para datës „deri”. "
                "Kontrolloni periudhën që kërkohet."
            )
        )


def _check_scope(people: Sequence[User], categories: Sequence[Category]) -> None:
    if not people:
        raise LegalRequestError(_("Shënoni të paktën një llogari për të cilën pyet kërkesa."))
    if any(person.is_staff for person in people):
        raise LegalRequestError(
            _("Kërkesat ligjore këtu janë për llogari klientësh, jo për llogari të stafit.")
        )
    allowed = set(disclosable_categories())
    if not categories or not set(categories) <= allowed:
        raise LegalRequestError(
            _("Zgjidhni të paktën një kategori të dhënash nga ato që mban regjistri.")
        )


def _check_texts(requester: str, legal_basis: str, reference: str) -> None:
    if letter_count(requester) < 3:
        raise LegalRequestError(_("Shkruani kush e bën kërkesën: institucioni dhe zyra."))
    if letter_count(legal_basis) < 5:
        raise LegalRequestError(_("Shkruani bazën ligjore të kërkesës (ligji, neni, vendimi)."))
    if not reference:
        raise LegalRequestError(_("Shkruani numrin e protokollit ose referencën e kërkuesit."))


def _check_documents(documents: Sequence[DocumentUpload]) -> None:
    if len(documents) > DOCUMENTS_PER_REQUEST:
        raise LegalRequestError(
            _("Një kërkesë mban deri në %(count)d dokumente.") % {"count": DOCUMENTS_PER_REQUEST}
        )
    for document in documents:
        if not document.content:
            raise LegalRequestError(_("Një nga dokumentet është bosh."))
        if len(document.content) > MAX_DOCUMENT_BYTES:
            raise LegalRequestError(_("Një dokument është më i madh se 20 MB."))
        if letter_count(document.title) < 3:
            raise LegalRequestError(
                _("Jepini çdo dokumenti një titull, p.sh. „Urdhër gjykate”, pa emra personash.")
            )


def legal_request_register(
    *,
    authority_kind: AuthorityKind,
    requester: str,
    legal_basis: str,
    reference: str,
    received_on: date,
    deadline: date,
    people: Sequence[User],
    categories: Sequence[Category],
    period_start: date,
    period_end: date,
    documents: Sequence[DocumentUpload] = (),
    actor: User,
    now: datetime | None = None,
) -> LegalRequest:
    """Register a request: who asks, on what basis, about whom, for what, of which period.

    Only the data-protection officer registers. Nothing is read of the people yet: their
    data is reached only when an approved request is disclosed. The documents are sealed
    into the storage; a failure deletes what was written and registers nothing.
    """
    check_legal_officer(actor)
    now = now or timezone.now()
    requester, legal_basis = visible_text(requester), visible_text(legal_basis)
    reference = visible_text(reference)
    _check_texts(requester, legal_basis, reference)
    _check_dates(
        received_on=received_on,
        deadline=deadline,
        start=period_start,
        end=period_end,
        today=timezone.localdate(now),
    )
    _check_scope(people, categories)
    _check_documents(documents)
    stored: list[str] = []
    try:
        with transaction.atomic():
            request = LegalRequest.objects.create(
                authority_kind=authority_kind,
                requester=requester,
                legal_basis=legal_basis,
                reference=reference,
                received_on=received_on,
                deadline=deadline,
                categories=[Category(category).value for category in categories],
                period_start=period_start,
                period_end=period_end,
                registered_at=now,
                registered_by=actor,
            )
            LegalRequestPerson.objects.bulk_create(
                LegalRequestPerson(request=request, person=person)
                for person in {person.pk: person for person in people}.values()
            )
            for document in documents:
                stored.append(_document_store(request, document, now=now))
    except Exception:
        sealed_files_delete(stored)
        raise
    return request


def _document_store(request: LegalRequest, upload: DocumentUpload, *, now: datetime) -> str:
    document = LegalDocument(
        request=request,
        title=visible_text(upload.title)[:200],
        content_type=upload.content_type[:100] or "application/octet-stream",
        size=len(upload.content),
        uploaded_at=now,
    )
    stored = sealed_file_save(
        model=LegalDocument,
        public_id=document.public_id,
        chunks=[upload.content],
        kind="documents",
    )
    document.storage_name, document.file_key = stored.storage_name, stored.sealed_key
    document.save()
    return stored.storage_name
