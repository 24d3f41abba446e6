"""The outbox holds whole messages: the address and everything written to the person."""

from mail.models import OutboxMessage
from privacy.registry import Category, Erasure, Mask, PersonalField, Purpose, Retention, declare

MAIL = (Purpose.COMMUNICATION, Purpose.PRODUCTS_AND_SERVICES)


def _message_part(name: str, category: Category, mask: Mask) -> PersonalField:
    return PersonalField(
        name, category, MAIL, mask, Retention.UNTIL_DELIVERED, Erasure.DELETE, encrypted=True
    )


declare(
    OutboxMessage,
    subject="recipient",
    fields=[
        _message_part("to_address", Category.CONTACT, Mask.EMAIL),
        _message_part("subject", Category.CONTACT, Mask.TEXT),
        _message_part("body_text", Category.CONTACT, Mask.TEXT),
        _message_part("body_html", Category.CONTACT, Mask.TEXT),
    ],
)
