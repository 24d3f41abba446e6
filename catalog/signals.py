"""Signals of the catalogue, for the apps that build on it (it imports none of them)."""

from django.dispatch import Signal

# Sent by the product page once rendered, with ``request``, ``response`` (receivers may
# set cookies on it) and ``product_id``. Personalisation keeps the visitor's history (P7).
product_viewed = Signal()
