"""The access record (P5, P14): who saw or changed personal data, in a hash chain."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64
# The access record is this many chains, an entry going to the chain of its subject
# (`chain_of`): appends for different customers lock different heads and go ahead in
# parallel. Fixed once entries exist: a subject's entries stay in one chain.
ACCESS_CHAINS = 64


def chain_genesis(chain: int) -> str:
    """Return the hash chain `chain` starts from: chain 0 is the chain of before issue 17."""
    if chain == 0:
        return GENESIS_HASH
    return hashlib.sha256(f"fejzo access chain {chain}".encode()).hexdigest()


def chain_of(subject_id: int | None, actor_id: int | None = None) -> int:
    """Return the chain an entry about `subject_id` goes to (the actor's when no subject)."""
    owner = subject_id if subject_id is not None else actor_id
    return (owner or 0) % ACCESS_CHAINS


class ActorKind(models.TextChoices):
    STAFF = "staff", _("Staf")
    CUSTOMER = "customer", _("Klienti")
    JOB = "job", _("Proces automatik")
    SYSTEM = "system", _("Sistemi")
    # A contractor company's person (P10): labelled by company and function, never by name.
    CONTRACTOR = "contractor", _("Kontraktor")


class Job(models.TextChoices):
    """Background work that reads personal data, by the name the access record keeps."""

    DELIVER_MAIL = "mail.deliver_outbox_message", _("Dërgimi automatik i email-eve")
    ROTATE_KEYS = "privacy.rotate_keys", _("Ndërrimi i çelësave të enkriptimit")
    SEND_CAMPAIGN = "campaigns.send", _("Dërgimi i një fushate me email")
    BUILD_EXPORT = "privacy.build_export", _("Përgatitja e të dhënave për shkarkim")
    ERASE = "privacy.erase", _("Fshirja e të dhënave")
    RETENTION = "privacy.apply_retention", _("Afatet e ruajtjes")
    # Reads the address of each person a breach touched, to write their notice (P14).
    BREACH_NOTICE = "breaches.notices_send", _("Njoftimi i personave të prekur nga një cenim")


class AccessAction(models.TextChoices):
    REVEAL = "reveal", _("Pa të dhënat")
    BREAK_GLASS = "break_glass", _("Hapje e jashtëzakonshme")
    # A purpose the staff member made for themselves, opened on a typed reason.
    OWN_PURPOSE = "own_purpose", _("Qëllim i krijuar nga vetë punonjësi")
    CHANGE = "change", _("Ndryshoi të dhënat")
    JOB_READ = "job_read", _("Lexim nga një proces automatik")
    EXPORT = "export", _("Eksport")
    ERASE = "erase", _("Fshiu ose anonimizoi të dhënat")
    ACCOUNT_POWERS = "powers", _("Ndryshoi rolet ose lejet e llogarisë")
    # Asked for personal data and was refused: nothing was shown (P10).
    REFUSED = "refused", _("Iu refuzua qasja")
    # Staff gave a contractor's job these fields to see (P10); the reason names the company.
    SHARED = "shared", _("Iu dha qasje një kontraktori")
    # Given to an authority on a legal request the officer approved (P11).
    DISCLOSE = "disclose", _("Iu dha një autoriteti")


class AccessBasis(models.TextChoices):
    """Why personal data was reached: the live purpose, or the recorded exception."""

    ORDER = "order", _("Porosi")
    SUPPORT_CASE = "support_case", _("Rast mbështetjeje")
    BREAK_GLASS = "break_glass", _("Arsye e jashtëzakonshme")
    SELF_SERVICE = "self_service", _("Vetë klienti")
    BACKGROUND_JOB = "background_job", _("Proces automatik")
    EXPORT = "export", _("Eksport i kërkuar")
    MAINTENANCE = "maintenance", _("Mirëmbajtje e sigurisë")
    DATA_REQUEST = "data_request", _("Kërkesë e vetë personit")
    RETENTION = "retention", _("Afati i ruajtjes mbaroi")
    ACCOUNT_ADMINISTRATION = "account_admin", _("Administrimi i llogarive")
    # A job given to a contractor company (P10); the reference is "<order number>#<job id>".
    CONTRACTOR_JOB = "contractor_job", _("Punë e një kontraktori")
    # A request from the police, a prosecutor, a court, the IDP or another authority, or
    # the shop's own fraud investigation (P11); the reference is the request's "KL-<id>".
    LEGAL_REQUEST = "legal_request", _("Kërkesë ligjore")


class AccessEntry(models.Model):
    """One look at, change of, or job read of personal data; never the values themselves.

    Entries form hash chains, one per `chain`, each ordered by `seq`: an entry stores the
    SHA-256 of the previous entry's hash in its chain and its own canonical content, so
    `audit_verify` finds any entry changed, removed or inserted behind the application's
    back. A person's entries are all in one chain (`chain_of`); `id` orders entries
    across chains. People are referred to by id without a database constraint, so
    entries outlive the accounts.
    """

    chain = models.PositiveSmallIntegerField(_("Zinxhiri"), db_default=0)
    seq = models.BigIntegerField(_("Nr."))
    at = models.DateTimeField(_("Koha"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_kind = models.CharField(_("Lloji i vepruesit"), max_length=10, choices=ActorKind.choices)
    # A role or a job name, never a person's name: it stays readable after the
    # account is gone and reveals nothing about the customer.
    actor_label = models.CharField(_("Kush (emërtimi)"), max_length=80)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        # Covered by access_subject_id; one index less to write on every entry.
        db_index=False,
        related_name="+",
    )
    action = models.CharField(_("Veprimi"), max_length=12, choices=AccessAction.choices)
    fields = models.TextField(_("Të dhënat"), help_text="app.Model.field names, comma-separated")
    basis = models.CharField(_("Qëllimi"), max_length=16, choices=AccessBasis.choices)
    reference = models.CharField(_("Referenca"), max_length=64, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("hyrje në regjistrin e qasjeve")
        verbose_name_plural = _("regjistri i qasjeve")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="access_chain_seq_unique")
        ]
        indexes = [models.Index(fields=["subject", "-id"], name="access_subject_id")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    @property
    def field_names(self) -> list[str]:
        return [name for name in self.fields.split(",") if name]


class AccessChainHead(models.Model):
    """The last entry of one chain; its row lock makes that chain's appends one at a time."""

    chain = models.PositiveSmallIntegerField(unique=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"{self.chain}#{self.last_seq}"


class AccessAnchor(models.Model):
    """Every chain's head at one moment, itself chained to the anchor before it.

    Written periodically (privacy.tasks): an entry an anchor covers can no longer be cut
    from the end of its chain together with its head, and the anchors' own chain shows
    one removed or changed.
    """

    at = models.DateTimeField()
    # "chain:seq:hash" per chain, ";"-separated, in chain order.
    heads = models.TextField()
    prev_hash = models.CharField(max_length=64)
    anchor_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"anchor {self.pk} at {self.at:%Y-%m-%d %H:%M}"
