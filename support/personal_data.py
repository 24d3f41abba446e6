"""What a customer tells the company is used only to handle their case (P9)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.erasure_steps import OpenWork, open_work_hold
from privacy.models import AccessBasis
from privacy.pages import private_section
from privacy.processors import Processor, processor_declare
from privacy.purposes import PurposeSource, purpose_sources
from privacy.registry import Category, Erasure, Mask, PersonalField, Purpose, Retention, declare
from privacy.retention import Schedule, retention_schedule
from support.models import CaseAttachment, CaseMail, CaseMessage, CaseStatus, SupportCase

CASE = (Purpose.INFORMATION, Purpose.PRODUCTS_AND_SERVICES)
# Who wrote, so the shop can answer them: by mail, to the address they gave.
WRITER = (Purpose.INFORMATION, Purpose.COMMUNICATION)


def _case_field(
    name: str, category: Category, mask: Mask, *, purposes: tuple[Purpose, ...] = CASE
) -> PersonalField:
    """A field kept while its case is, and deleted with it (erasure and retention)."""
    return PersonalField(
        name, category, purposes, mask, Retention.CASE_LIFETIME, Erasure.DELETE, encrypted=True
    )


declare(
    SupportCase,
    download_title=_("Kërkesat tuaja për ndihmë"),
    subject="customer",
    fields=[
        PersonalField(
            "summary",
            Category.SUPPORT,
            CASE,
            Mask.TEXT,
            Retention.CASE_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
        PersonalField(
            "customer_message",
            Category.SUPPORT,
            CASE,
            Mask.TEXT,
            Retention.CASE_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
        # A visitor's case (the contact form, a mail): who wrote and what they typed; the
        # address's keyed hash finds the case for the account that proves the address.
        _case_field("contact_name", Category.IDENTITY, Mask.NAME, purposes=WRITER),
        _case_field("contact_email", Category.CONTACT, Mask.EMAIL, purposes=WRITER),
        PersonalField(
            "contact_email_index",
            Category.CONTACT,
            WRITER,
            Mask.HIDDEN,
            Retention.CASE_LIFETIME,
            Erasure.DELETE,
            index_of="contact_email",
        ),
        _case_field("order_number", Category.SUPPORT, Mask.TEXT),
    ],
)

# The thread: what the customer wrote and what the shop answered, kept and erased with
# the case it belongs to.
declare(
    CaseMessage,
    download_title=_("Mesazhet e kërkesave tuaja për ndihmë"),
    subject="case__customer",
    fields=[
        PersonalField(
            "body",
            Category.SUPPORT,
            CASE,
            Mask.TEXT,
            Retention.CASE_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
    ],
)

# The photos sent with the thread: the stored picture (EXIF removed at the door) is the
# personal datum; deleting the row deletes the file once the deletion commits.
declare(
    CaseAttachment,
    download_title=_("Fotografitë që na keni dërguar"),
    subject="case__customer",
    fields=[
        PersonalField(
            "photo",
            Category.SUPPORT,
            CASE,
            Mask.HIDDEN,
            Retention.CASE_LIFETIME,
            Erasure.DELETE,
        ),
    ],
    not_personal={"message": "The thread's message the photo came with: a reference."},
)

# A conversation by mail: who sent each mail to info@ and its subject. The shop's own
# mails keep no personal field here (the outbox holds them).
declare(
    CaseMail,
    download_title=_("Email-et tuaja për kërkesat për ndihmë"),
    subject="case__customer",
    fields=[
        _case_field("sender_name", Category.IDENTITY, Mask.NAME, purposes=WRITER),
        _case_field("sender_address", Category.CONTACT, Mask.EMAIL, purposes=WRITER),
        _case_field("subject", Category.SUPPORT, Mask.TEXT),
    ],
    not_personal={
        "message": "The thread's message the mail carried: a reference, its text is there.",
        "message_id_index": (
            "A keyed hash of a mail's Message-ID header: it matches only a header already "
            "known (a second delivery, a reply naming the shop's mail), and says nothing."
        ),
    },
)

# An open case gives its holder a purpose, and customer care any case waiting in the
# queue. A case one opened, or handed oneself other than from the queue someone else
# put it in, is a purpose one made oneself.
purpose_sources.register(
    PurposeSource(
        basis=AccessBasis.SUPPORT_CASE,
        model=SupportCase,
        customer_field="customer",
        assignee_field="assigned_to",
        open=Q(status=CaseStatus.OPEN),
        queue=Q(assigned_to__isnull=True),
        order_by="opened_at",
        columns=("pk", "opened_by_id", "assigned_by_id", "taken_from_queue"),
        reference=lambda case: f"#{case['pk']}",
        self_made=lambda case, staff_id, from_queue: (
            case["opened_by_id"] == staff_id
            or (
                case["assigned_by_id"] == staff_id and not (case["taken_from_queue"] and from_queue)
            )
        ),
        serves={"support.supportcase": "pk", "orders.order": "order"},
    )
)

retention_schedule(
    Schedule(
        Retention.CASE_LIFETIME,
        "SUPPORT_CASE_RETENTION_YEARS",
        "years",
        "Closed support cases are deleted with their messages, unless a legal hold covers them.",
        rows=lambda period: [
            SupportCase.objects.filter(status=CaseStatus.CLOSED, closed_at__lt=period.cutoff)
        ],
        erase=True,
    )
)

# An open case is a dispute not yet settled: erasure holds it.
open_work_hold(
    OpenWork(
        model=SupportCase,
        customer_field="customer",
        open=Q(status=CaseStatus.OPEN),
        hold_field="support_case",
        hold_kind="dispute",
        columns=(),
        reference=lambda case: f"#{case['pk']}",
    )
)

# A case's address carries its number and its page the customer's own words: analytics
# report the account instead, and no crawler or shared cache keeps any of it.
private_section(
    "support", title="Llogaria", root="accounts:profile", unlisted=(("support:case_list", {}),)
)

# The contact form asks a visitor's name and address and may show them again with a
# message: no shared cache keeps it. Crawlers may find the page itself.
private_section("contact", title="Kontakt", root="contact:form")

# Mail to info@ arrives through the provider's inbound route (docs/adr/0006).
processor_declare(
    Processor(
        "inbound_mail",
        _("Ofruesi i email-eve hyrëse (info@)"),
        _("Sjell email-et që vijnë te info@3vfejzo.al si raste mbështetjeje."),
        frozenset({Category.IDENTITY, Category.CONTACT, Category.SUPPORT}),
        (Purpose.INFORMATION, Purpose.COMMUNICATION),
        _("Çdo dërgesë e nënshkruar (HMAC) verifikohet; vetëm HTTPS."),
        setting="SUPPORT_INBOUND_SIGNING_KEY",
    )
)
