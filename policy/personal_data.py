"""Which version of the terms and the privacy policy a person agreed to, and when (P1)."""

from django.utils.translation import gettext_lazy as _

from policy.models import PolicyAcceptance
from privacy.registry import declare

# The proof of agreement holds no personal value beyond the account it belongs to; it
# is part of the person's download, and stays with the anonymised account on erasure.
declare(
    PolicyAcceptance,
    download_title=_("Politikat dhe kushtet që keni pranuar"),
    subject="user",
    fields=[],
)
