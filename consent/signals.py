"""Signals of the consent app, for the apps that set cookies of a category."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by the cookie choice once its response is built, with ``request``, ``response``
# (receivers may delete cookies on it) and ``state``, the ``ConsentState`` just chosen.
# The apps that set cookies of a category remove them when it is refused (P7).
consent_decided = Signal()
