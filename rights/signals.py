"""Signals the rights app sends for the apps above it."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once an erasure pass has committed, with `subject_ids` (the accounts erased),
# `pseudonyms` ({account id: pseudonym}), `cause` (ErasureCause), `reference` (the
# request's public id, a hold's reference, or "") and `completed_at`. No personal
# values: a receiver may keep what it is given outside the database (backups' journal).
erasure_completed = Signal()
