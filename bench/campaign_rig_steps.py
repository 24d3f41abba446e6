"""The campaign rig's steps inside its database: `python -m bench.campaign_rig_steps <step>`.

Run by `bench.campaign_rig.Rig.command` with the rig's environment (settings, database,
SMTP server); each step prints its result as one line of JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import django

# The models load only once Django is set up with the settings the rig's environment names.
django.setup()

from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.campaign_rig import RECIPIENT  # noqa: E402
from campaigns.models import Campaign, Delivery  # noqa: E402
from campaigns.services import campaign_start  # noqa: E402
from subscriptions.models import (  # noqa: E402
    Channel,
    Subscriber,
    Subscription,
    SuppressionReason,
    Topic,
)
from subscriptions.services import address_index, suppression_add, unsubscribe_url  # noqa: E402


def seed(subscribers: int, unsubscribed: int, suppressed: int) -> dict[str, int]:
    now = timezone.now()
    total = subscribers + unsubscribed + suppressed
    for start in range(0, total, 2000):
        numbers = range(start, min(start + 2000, total))
        with transaction.atomic():
            rows = Subscriber.objects.bulk_create(
                Subscriber(email=RECIPIENT.format(n), confirmed_at=now) for n in numbers
            )
            Subscription.objects.bulk_create(
                Subscription(
                    subscriber=row,
                    topic=Topic.OFFERS,
                    active=n < subscribers or n >= subscribers + unsubscribed,
                )
                for n, row in zip(numbers, rows, strict=True)
            )
    for n in range(subscribers + unsubscribed, total):
        suppression_add(
            email=RECIPIENT.format(n), reason=SuppressionReason.COMPLAINT, channel=Channel.COMPLAINT
        )
    return {"subscribers": subscribers, "unsubscribed": unsubscribed, "suppressed": suppressed}


def start() -> dict[str, int]:
    campaign = Campaign.objects.create(
        topic=Topic.OFFERS,
        name="Rig",
        subject_sq="Ofertat e javës në 3VFejzo",
        body_sq="## Ulje çmimesh\n\nTelevizorë, frigoriferë dhe laptopë me **20% zbritje**.",
    )
    recipients = campaign_start(campaign=campaign, actor=None)
    return {"campaign": campaign.pk, "recipients": recipients}


def one_click(campaign_id: int, numbers: list[int]) -> dict[str, list[float]]:
    """Unsubscribe these recipients through the real RFC 8058 endpoint, as a mail provider
    would; return when each one's answer came back."""
    client = Client()
    done = []
    for n in numbers:
        subscriber = Subscriber.objects.get(email_index=address_index(RECIPIENT.format(n)))
        url = unsubscribe_url(subscriber, topic=Topic.OFFERS, campaign_id=campaign_id)
        response = client.post(
            urlsplit(url).path,
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200, response.status_code
        done.append(time.time())
    return {"done_at": done}


def suppress(numbers: list[int]) -> dict[str, list[float]]:
    done = []
    for n in numbers:
        suppression_add(
            email=RECIPIENT.format(n), reason=SuppressionReason.HARD_BOUNCE, channel=Channel.BOUNCE
        )
        done.append(time.time())
    return {"done_at": done}


def status(campaign_id: int) -> dict[str, Any]:
    counts = dict(
        Delivery.objects.filter(campaign_id=campaign_id)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    state = Campaign.objects.values_list("status", flat=True).get(pk=campaign_id)
    # Rows a worker claimed and died holding, claimed again after the lease ran out.
    reclaimed = Delivery.objects.filter(campaign_id=campaign_id, attempts__gt=0).count()
    return {"status": state, "counts": counts, "reclaimed": reclaimed}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench.campaign_rig_steps")
    steps = parser.add_subparsers(dest="command", required=True)
    seeding = steps.add_parser("seed")
    seeding.add_argument("--subscribers", type=int, required=True)
    seeding.add_argument("--unsubscribed", type=int, default=0)
    seeding.add_argument("--suppressed", type=int, default=0)
    steps.add_parser("start")
    for name in ("one-click", "suppress"):
        step = steps.add_parser(name)
        step.add_argument("--campaign", type=int, default=0)
        step.add_argument("numbers", type=int, nargs="+")
    asking = steps.add_parser("status")
    asking.add_argument("--campaign", type=int, required=True)
    args = parser.parse_args(argv)

    result: Any
    if args.command == "seed":
        result = seed(args.subscribers, args.unsubscribed, args.suppressed)
    elif args.command == "start":
        result = start()
    elif args.command == "one-click":
        result = one_click(args.campaign, args.numbers)
    elif args.command == "suppress":
        result = suppress(args.numbers)
    else:
        result = status(args.campaign)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
