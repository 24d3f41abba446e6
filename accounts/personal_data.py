"""What the accounts app holds about people (P3): the registry reads this and nothing else."""

from collections.abc import Iterable
from operator import attrgetter
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.axes import sign_in_records_for, sign_in_records_forget
from accounts.models import Address, EmailChange, ThrottleCounter, User
from accounts.services import login_disable
from privacy.download import CHUNK_ROWS, Column, Section, download_section
from privacy.erasure_steps import People, erasure_step
from privacy.pages import private_section
from privacy.registry import Category, Erasure, Mask, PersonalField, Purpose, Retention, declare
from privacy.retention import Schedule, retention_schedule
from privacy.subjects import proven_addresses

ACCOUNT = (Purpose.REGISTRATION, Purpose.COMMUNICATION, Purpose.PRODUCTS_AND_SERVICES)
DELIVERY = (Purpose.PRODUCTS_AND_SERVICES,)

declare(
    User,
    download_title=_("Llogaria juaj"),
    subject="",
    fields=[
        PersonalField(
            "first_name",
            Category.IDENTITY,
            ACCOUNT,
            Mask.NAME,
            Retention.ACCOUNT_LIFETIME,
            Erasure.ANONYMISE,
            encrypted=True,
        ),
        PersonalField(
            "last_name",
            Category.IDENTITY,
            ACCOUNT,
            Mask.NAME,
            Retention.ACCOUNT_LIFETIME,
            Erasure.ANONYMISE,
            encrypted=True,
        ),
        PersonalField(
            "email",
            Category.CONTACT,
            ACCOUNT,
            Mask.EMAIL,
            Retention.ACCOUNT_LIFETIME,
            Erasure.ANONYMISE,
            encrypted=True,
        ),
        PersonalField(
            "email_index",
            Category.CONTACT,
            ACCOUNT,
            Mask.HIDDEN,
            Retention.ACCOUNT_LIFETIME,
            Erasure.ANONYMISE,
            index_of="email",
        ),
        PersonalField(
            "phone",
            Category.CONTACT,
            ACCOUNT,
            Mask.PHONE,
            Retention.ACCOUNT_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
        PersonalField(
            "phone_index",
            Category.CONTACT,
            ACCOUNT,
            Mask.HIDDEN,
            Retention.ACCOUNT_LIFETIME,
            Erasure.DELETE,
            index_of="phone",
        ),
    ],
    not_personal={"email_verified_at": "When the address was confirmed, not the address."},
)

declare(
    Address,
    download_title=_("Adresat tuaja"),
    subject="user",
    fields=[
        PersonalField(
            "street",
            Category.ADDRESS,
            DELIVERY,
            Mask.STREET,
            Retention.ACCOUNT_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
        PersonalField(
            "courier_notes",
            Category.ADDRESS,
            DELIVERY,
            Mask.TEXT,
            Retention.ACCOUNT_LIFETIME,
            Erasure.DELETE,
            encrypted=True,
        ),
        # One of 61 municipalities: shown to staff, it narrows a person down no further
        # than a town, and delivery zones are planned from it.
        PersonalField(
            "municipality",
            Category.ADDRESS,
            DELIVERY,
            Mask.NONE,
            Retention.ACCOUNT_LIFETIME,
            Erasure.DELETE,
        ),
    ],
)

# A pending change holds the new address until its mailbox confirms it. A newer request
# replaces the older ones, and a confirmed row only repeats the account's own address.
declare(
    EmailChange,
    download_title=_("Ndryshimet e adresës suaj të email-it"),
    subject="user",
    fields=[
        PersonalField(
            "new_email",
            Category.CONTACT,
            ACCOUNT,
            Mask.EMAIL,
            Retention.CONFIRMATION_LINK,
            Erasure.DELETE,
            encrypted=True,
        ),
    ],
    not_personal={
        "token_hash": "SHA-256 of a random link token, not derived from the person.",
        "password_state": "A keyed hash of the password hash, to void the link when it changes.",
    },
)

# Like django-axes' rows (privacy/personal_data.py): a keyed hash of an email address
# (mail sent to it, failed sign-ins with it) or of a client's network address. They
# live until their window ends, at most SIGN_IN_SLOWDOWN_FORGET_SECONDS; erasure
# deletes those under the person's addresses (accounts.axes.sign_in_records_forget).
declare(
    ThrottleCounter,
    fields=[
        PersonalField(
            "key_index",
            Category.TECHNICAL,
            (Purpose.PRODUCTS_AND_SERVICES,),
            Mask.HIDDEN,
            Retention.SECURITY_PERIOD,
            Erasure.DELETE,
            index_of="email",
        ),
    ],
)

# django-axes keeps failed sign-ins to lock brute force out (P14). Its username column
# holds a keyed HMAC of the address (accounts/axes.py), never the address; the rest is
# the client's network address and browser.
SIGN_IN_RECORDS = (AccessAttempt, AccessFailureLog, AccessLog)
SECURITY = (Purpose.PRODUCTS_AND_SERVICES,)
for model in SIGN_IN_RECORDS:
    declare(
        model,
        fields=[
            PersonalField(
                "username",
                Category.TECHNICAL,
                SECURITY,
                Mask.HIDDEN,
                Retention.SECURITY_PERIOD,
                Erasure.DELETE,
                index_of="email",
            ),
            PersonalField(
                "ip_address",
                Category.TECHNICAL,
                SECURITY,
                Mask.IP_ADDRESS,
                Retention.SECURITY_PERIOD,
                Erasure.DELETE,
            ),
            PersonalField(
                "user_agent",
                Category.TECHNICAL,
                SECURITY,
                Mask.TEXT,
                Retention.SECURITY_PERIOD,
                Erasure.DELETE,
            ),
        ],
    )


retention_schedule(
    Schedule(
        Retention.SECURITY_PERIOD,
        "SECURITY_LOG_RETENTION_DAYS",
        "days",
        "Sign-in attempts and lockout logs are deleted; throttle counters (mail asked "
        "for, failed sign-ins) once their window, an hour by default, has ended.",
        rows=lambda period: [
            *(model.objects.filter(attempt_time__lt=period.cutoff) for model in SIGN_IN_RECORDS),
            # Throttle counters (accounts.counters) are worth nothing once their window ends.
            ThrottleCounter.objects.filter(expires_at__lte=period.now),
        ],
    )
)
retention_schedule(
    Schedule(
        Retention.CONFIRMATION_LINK,
        "EMAIL_CHANGE_TIMEOUT",
        "seconds",
        "Email-change requests are deleted once their link has expired.",
        rows=lambda period: [EmailChange.objects.filter(created_at__lt=period.cutoff)],
    )
)


@erasure_step("accounts.login_disable")
def _sign_in_stopped(people: People) -> None:
    # Retention erases accounts unused for years, whose sessions ended long ago.
    login_disable(user_ids=people.user_ids, end_sessions=people.by_request)


@erasure_step("accounts.sign_in_records_forget")
def _sign_in_records_forgotten(people: People) -> None:
    sign_in_records_forget(emails=list(people.emails.values()))


SIGN_IN_KEY = "accounts.failed_sign_ins"
SIGN_IN_TITLE = gettext_lazy("Hyrjet e dështuara në llogarinë tuaj")
SIGN_IN_NOTE = gettext_lazy(
    "Përpjekjet për të hyrë me adresën tuaj dhe një fjalëkalim të gabuar, që i mbajmë "
    "për të ndaluar hamendësimin e fjalëkalimit; fshihen vetvetiu pas %(days)s ditësh."
)


def _sign_in_section(user: Any) -> Section:
    """Failed sign-ins under the person's address (django-axes keeps them to stop guessing)."""
    fields = {f.name: f for f in AccessAttempt._meta.concrete_fields}
    columns = [
        Column("attempt_time", _("Koha e fundit"), attrgetter("attempt_time")),
        Column("ip_address", _("Adresa IP"), attrgetter("ip_address")),
        Column("user_agent", _("Shfletuesi"), attrgetter("user_agent")),
        Column("failures_since_start", _("Përpjekje"), attrgetter("failures_since_start")),
    ]
    assert all(column.name in fields for column in columns)

    def rows() -> Iterable[Any]:
        addresses = list(proven_addresses([user]).values())
        return sign_in_records_for(emails=addresses).iterator(chunk_size=CHUNK_ROWS)

    return Section(
        key=SIGN_IN_KEY,
        title=str(SIGN_IN_TITLE),
        columns=columns,
        rows=rows,
        note=str(SIGN_IN_NOTE) % {"days": settings.SECURITY_LOG_RETENTION_DAYS},
    )


download_section(key=SIGN_IN_KEY, title=SIGN_IN_TITLE, build=_sign_in_section, position=20)

# The account's pages show the person; analytics report them as the profile.
private_section(
    "accounts", title="Llogaria", root="accounts:profile", unlisted=(("accounts:profile", {}),)
)
