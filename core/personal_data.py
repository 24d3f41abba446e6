"""What the core app holds about people (P3): throttle counters, under keyed hashes only."""

from core.models import ThrottleCounter
from privacy.registry import Category, Erasure, Mask, PersonalField, Purpose, Retention, declare

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
