"""Policy writes: drafting and publishing a version (P2), and recording acceptance (P1, P2)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from policy.models import (
    AcceptanceMethod,
    DocumentKind,
    PolicyAcceptance,
    PolicyDraft,
    PolicyVersion,
)
from policy.permissions import PolicyPermission
from policy.rendering import stamp_document_date
from policy.selectors import AUTHORITATIVE_LANGUAGE, CURRENT_VERSIONS_CACHE_KEY
from policy.signals import policy_published
from privacy.audit import actor_label
from privacy.roles import Role, staff_roles

if TYPE_CHECKING:
    # The account model, whichever AUTH_USER_MODEL names (django-stubs resolves this alias):
    # policy sits below accounts and does not import it.
    from django.contrib.auth.models import _User

TRANSLATION_LANGUAGE = "en"


class PolicyChangeRefused(PermissionDenied):
    """Only the data-protection officer drafts and publishes the policy and the terms."""


class PolicyDraftError(ValidationError):
    """A draft that cannot be saved or published as it is; the message says why."""


def may_change_policy(actor: _User | None, permission: PolicyPermission) -> bool:
    """Whether this staff member may draft or publish (P2).

    A superuser holds every permission; the policy's words are the officer's, so a
    superuser drafts and publishes only with the officer's role as well.
    """
    if actor is None or not actor.is_active or not actor.has_perm(permission):
        return False
    return not actor.is_superuser or Role.DATA_PROTECTION_OFFICER in staff_roles(actor)


def check_may_change_policy(*, actor: _User | None, permission: PolicyPermission) -> None:
    """Raise PolicyChangeRefused unless the actor may (`may_change_policy`)."""
    if not may_change_policy(actor, permission):
        raise PolicyChangeRefused


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_languages(*, title_en: str, body_en: str) -> None:
    if bool(title_en.strip()) != bool(body_en.strip()):
        raise PolicyDraftError(
            _("Për tekstin në anglisht plotësoni edhe titullin edhe tekstin, ose asnjërin.")
        )


def policy_draft_save(
    *,
    draft: PolicyDraft | None,
    actor: _User | None,
    kind: DocumentKind,
    title_sq: str,
    body_sq: str,
    summary_sq: str,
    title_en: str = "",
    body_en: str = "",
    summary_en: str = "",
) -> PolicyDraft:
    """Create a draft, or change one not yet published; the officer's only (P2)."""
    check_may_change_policy(
        actor=actor,
        permission=(
            PolicyPermission.ADD_POLICY_DRAFT
            if draft is None
            else PolicyPermission.CHANGE_POLICY_DRAFT
        ),
    )
    _check_languages(title_en=title_en, body_en=body_en)
    with transaction.atomic():
        if draft is None:
            draft = PolicyDraft(created_by=actor)
        else:
            draft = PolicyDraft.objects.select_for_update().get(pk=draft.pk)
            if draft.is_published:
                raise PolicyDraftError(_("Ky draft është publikuar: nuk ndryshohet më."))
        draft.kind = kind
        # A browser sends a textarea's lines with CRLF; the published texts use LF.
        texts = [
            _lf(text) for text in (title_sq, body_sq, summary_sq, title_en, body_en, summary_en)
        ]
        draft.title_sq, draft.body_sq, draft.summary_sq = texts[:3]
        draft.title_en, draft.body_en, draft.summary_en = texts[3:]
        draft.save()
    return draft


def _forget_cached_versions() -> None:
    cache.delete(CURRENT_VERSIONS_CACHE_KEY)


def policy_publish(
    *,
    draft: PolicyDraft,
    actor: _User | None,
    material: bool,
    now: datetime.datetime | None = None,
) -> PolicyVersion:
    """Publish the draft as the next version, in force at once; return its Albanian row.

    Records who published it (their roles, copied) and when; a material change is then
    mailed to every customer by the apps that receive `policy_published`. A draft is
    published once: a second call raises PolicyDraftError and changes nothing.
    """
    check_may_change_policy(actor=actor, permission=PolicyPermission.PUBLISH_POLICY_DRAFT)
    now = now or timezone.now()
    with transaction.atomic():
        locked = PolicyDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.is_published:
            raise PolicyDraftError(
                _("Ky draft është publikuar tashmë si versioni %(version)s.")
                % {"version": locked.published_version}
            )
        if not (locked.title_sq.strip() and locked.body_sq.strip() and locked.summary_sq.strip()):
            raise PolicyDraftError(
                _("Titulli, teksti dhe përmbledhja në shqip janë të detyrueshme.")
            )
        _check_languages(title_en=locked.title_en, body_en=locked.body_en)
        kind = DocumentKind(locked.kind)
        current = (
            PolicyVersion.objects.filter(kind=kind, language=AUTHORITATIVE_LANGUAGE)
            .order_by("-version")
            .first()
        )
        effective = timezone.localdate(now)
        body_sq = stamp_document_date(locked.body_sq, effective)
        # Unchanged but for the stated date is unchanged.
        unchanged = current is not None and (
            current.title,
            stamp_document_date(current.body, effective),
        ) == (locked.title_sq, body_sq)
        if unchanged:
            raise PolicyDraftError(
                _("Teksti në shqip është i njëjtë me versionin në fuqi: s'ka çfarë të publikohet.")
            )
        number = (
            PolicyVersion.objects.filter(kind=kind).aggregate(newest=Max("version"))["newest"] or 0
        ) + 1
        published = {
            "kind": kind,
            "version": number,
            "effective_date": effective,
            "material": material,
            "published_at": now,
            "published_by": actor,
            "published_by_label": actor_label(actor),
        }
        try:
            with transaction.atomic():
                version = PolicyVersion.objects.create(
                    language=AUTHORITATIVE_LANGUAGE,
                    title=locked.title_sq,
                    body=body_sq,
                    summary=locked.summary_sq,
                    is_translation=False,
                    **published,
                )
        except IntegrityError as error:
            # Another draft of the same document took this number a moment ago.
            raise PolicyDraftError(
                _("Një version tjetër u publikua ndërkohë. Shikoni ndryshimet dhe provoni sërish.")
            ) from error
        translation = None
        if locked.body_en.strip():
            translation = PolicyVersion.objects.create(
                language=TRANSLATION_LANGUAGE,
                title=locked.title_en,
                body=locked.body_en,
                summary=locked.summary_en,
                is_translation=True,
                **published,
            )
        locked.published_version = number
        locked.published_at = now
        locked.save(update_fields=["published_version", "published_at"])
        policy_published.send(
            sender=PolicyVersion, version=version, translation=translation, actor=actor
        )
        transaction.on_commit(_forget_cached_versions)
    _forget_cached_versions()
    return version


def policy_acceptance_record(
    *,
    user: _User,
    kind: DocumentKind,
    version: int,
    language: str,
    accepted_at: datetime.datetime,
    method: AcceptanceMethod = AcceptanceMethod.REGISTRATION,
    notice_shown_at: datetime.datetime | None = None,
) -> PolicyAcceptance:
    """Record that a person agreed to one exact version of a document (P1, P2).

    Once per person and version: a second record (two pages at once) returns the first.
    """
    acceptance, _created = PolicyAcceptance.objects.get_or_create(
        user=user,
        kind=kind,
        version=version,
        defaults={
            "language": language,
            "accepted_at": accepted_at,
            "method": method,
            "notice_shown_at": notice_shown_at,
        },
    )
    return acceptance


def policy_versions_accept(
    *,
    user: _User,
    versions: Sequence[PolicyVersion],
    method: AcceptanceMethod,
    language: str,
    notice_shown_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> list[PolicyAcceptance]:
    """Record the person's acceptance of the versions they were told about (P2)."""
    now = now or timezone.now()
    with transaction.atomic():
        return [
            policy_acceptance_record(
                user=user,
                kind=DocumentKind(version.kind),
                version=version.version,
                language=language,
                accepted_at=now,
                method=method,
                notice_shown_at=notice_shown_at,
            )
            for version in versions
        ]
