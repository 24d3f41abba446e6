"""Campaigns hold no personal data of their own: recipients are Subscriber rows."""

from campaigns.models import Campaign, Delivery
from privacy.registry import declare

declare(
    Campaign,
    fields=[],
    not_personal={"name": "The campaign's internal name, written by marketing staff."},
)
declare(
    Delivery,
    fields=[],
    not_personal={},
    subject="subscriber__user",
)
