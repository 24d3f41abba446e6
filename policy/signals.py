"""What the policy app tells the apps above it (architecture: signals go upward)."""

from django.dispatch import Signal

# A new version of the policy or the terms was published (P2), inside the publishing
# transaction. Arguments: `version` (the authoritative Albanian PolicyVersion),
# `translation` (the English one, or None) and `actor` (the officer who published it).
# The campaigns app mails a material change to every customer as a service notice.
policy_published = Signal()
