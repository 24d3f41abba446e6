"""What the breach register keeps about people (P14): which breaches touched which account.

Account numbers only, no values. Kept when the person is erased, as the record the law
asks of every breach; part of the person's download, except a drill's practice list.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from breaches.models import AffectedPerson
from privacy.registry import declare

declare(
    AffectedPerson,
    download_title=_("Cenimet e sigurisë që prekën të dhënat tuaja"),
    subject="subject",
    fields=[],
    # A practice run: the person was never told, and nothing of theirs was exposed.
    withheld_from_download=Q(breach__drill=True),
)
