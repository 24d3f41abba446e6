"""Marketing subscriptions (P8, P13): the address, its history, and the do-not-mail hashes."""

from django.utils.translation import gettext_lazy as _

from privacy.erasure_steps import People, erasure_step
from privacy.pages import private_section
from privacy.registry import Category, Erasure, Mask, PersonalField, Purpose, Retention, declare
from privacy.retention import Schedule, ended_by, retention_schedule
from subscriptions.models import Subscriber, Subscription, SubscriptionEvent, Suppression
from subscriptions.services import suppression_keep_for_erasure, unconfirmed_purge

OFFERS = (Purpose.OFFERS,)

declare(
    Subscriber,
    download_title=_("Regjistrimi juaj për lajme dhe oferta"),
    subject="user",
    fields=[
        PersonalField(
            "email",
            Category.CONTACT,
            OFFERS,
            Mask.EMAIL,
            Retention.SUBSCRIPTION_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
        PersonalField(
            "email_index",
            Category.CONTACT,
            OFFERS,
            Mask.HIDDEN,
            Retention.SUBSCRIPTION_LIFETIME,
            Erasure.DELETE,
            index_of="email",
        ),
    ],
)

# Which topics the address receives: part of the person's download, and deleted with
# the subscriber row on erasure.
declare(
    Subscription,
    download_title=_("Temat për të cilat merrni lajme"),
    subject="subscriber__user",
    fields=[],
)

declare(
    SubscriptionEvent,
    download_title=_("Historiku i abonimeve tuaja"),
    subject="subscriber__user",
    fields=[
        # What a person said when staff took their opt-out by phone or in person.
        PersonalField(
            "note",
            Category.CONTACT,
            OFFERS,
            Mask.TEXT,
            Retention.SUBSCRIPTION_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
    ],
)

declare(
    Suppression,
    fields=[
        # A keyed hash that can only be matched against an address already known; kept
        # so an address that asked never to be mailed is not mailed after erasure either.
        PersonalField(
            "address_index",
            Category.CONTACT,
            OFFERS,
            Mask.HIDDEN,
            Retention.SUPPRESSION,
            Erasure.KEEP_FOR_LAW,
        ),
    ],
)

retention_schedule(
    Schedule(
        Retention.SUBSCRIPTION_LIFETIME,
        "SUBSCRIPTION_UNCONFIRMED_DAYS",
        "days",
        "Unconfirmed sign-ups and visitor addresses with no topic left are deleted.",
        apply=ended_by(unconfirmed_purge),
    )
)
retention_schedule(
    Schedule(
        Retention.SUPPRESSION,
        "SUPPRESSION_RETENTION_YEARS",
        "years",
        "The keyed hash is removed from the suppression list.",
        rows=lambda period: [Suppression.objects.filter(created_at__lt=period.cutoff)],
    )
)


@erasure_step("subscriptions.suppression_keep")
def _do_not_mail_kept(people: People) -> None:
    # An erased address that opted out must stay out: its keyed hash is kept (P13).
    suppression_keep_for_erasure(user_ids=people.user_ids, emails=list(people.emails.values()))


# Confirmation, preference and unsubscribe links carry a token naming a subscriber.
private_section(
    "subscriptions",
    title="Email",
    root="subscriptions:subscribe",
    unlisted=tuple(
        (name, {"token": "t"})
        for name in (
            "subscriptions:confirm",
            "subscriptions:preferences",
            "subscriptions:unsubscribe",
        )
    ),
)
