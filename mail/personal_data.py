"""The outbox holds whole messages: the address and everything written to the person."""

from django.utils.translation import gettext_lazy as _

from mail.models import OutboxMessage, OutboxStatus
from privacy.pages import private_section
from privacy.processors import Processor, processor_declare
from privacy.registry import Category, Erasure, Mask, PersonalField, Purpose, Retention, declare
from privacy.retention import Schedule, retention_schedule

MAIL = (Purpose.COMMUNICATION, Purpose.PRODUCTS_AND_SERVICES)


def _message_part(
    name: str, category: Category, mask: Mask, *, with_links: bool = False
) -> PersonalField:
    return PersonalField(
        name,
        category,
        MAIL,
        mask,
        Retention.UNTIL_DELIVERED,
        Erasure.DELETE,
        encrypted=True,
        # A mail's links confirm, reset or erase without signing in: a download that is
        # passed on must not carry them.
        links_removed_on_export=with_links,
    )


declare(
    OutboxMessage,
    download_title=_("Email-et që ju kemi dërguar"),
    subject="recipient",
    fields=[
        _message_part("to_address", Category.CONTACT, Mask.EMAIL),
        PersonalField(
            "to_address_index",
            Category.CONTACT,
            MAIL,
            Mask.HIDDEN,
            Retention.UNTIL_DELIVERED,
            Erasure.DELETE,
            index_of="to_address",
        ),
        _message_part("subject", Category.CONTACT, Mask.TEXT),
        _message_part("body_text", Category.CONTACT, Mask.TEXT, with_links=True),
        _message_part("body_html", Category.CONTACT, Mask.TEXT, with_links=True),
    ],
)

retention_schedule(
    Schedule(
        Retention.UNTIL_DELIVERED,
        "OUTBOX_RETENTION_DAYS",
        "days",
        "Sent or failed mail is deleted from the outbox.",
        rows=lambda period: [
            OutboxMessage.objects.filter(
                status__in=(OutboxStatus.SENT, OutboxStatus.FAILED),
                created_at__lt=period.cutoff,
            )
        ],
        erase=True,
    )
)

# The development mail viewer: its pages are titled with a mail's subject.
private_section("mail", title="Mail", root="mail:viewer")

# Whoever delivers the outbox's mail: an SMTP relay or a provider's API (EMAIL_URL,
# ANYMAIL_ESP). A message holds whatever was written to the person.
processor_declare(
    Processor(
        "mail_provider",
        _("Ofruesi i dërgimit të email-eve"),
        _("Dorëzon email-et e shërbimit dhe të marketingut nga radha e dërgimit."),
        frozenset({Category.IDENTITY, Category.CONTACT, Category.ADDRESS, Category.ORDER}),
        (Purpose.COMMUNICATION, Purpose.PRODUCTS_AND_SERVICES, Purpose.OFFERS),
        _("Lidhje e enkriptuar (TLS); në radhë mesazhet ruhen të enkriptuara."),
        setting="EMAIL_URL",
    )
)
