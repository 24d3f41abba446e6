"""Signed, expiring tokens for links that grant something (verification, and later others).

Modelled on Django's PasswordResetTokenGenerator: a salted HMAC over the subject,
its current state and a timestamp, compared in constant time. Changing the state
(e.g. verifying the email) invalidates every token made before.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36


class SignedToken:
    def __init__(
        self, *, purpose: str, max_age_seconds: int, clock: Callable[[], float] = time.time
    ):
        self.purpose = purpose
        self.max_age_seconds = max_age_seconds
        self.clock = clock

    def _signature(self, subject: str, state: str, timestamp: int) -> str:
        value = f"{subject}\x1f{state}\x1f{timestamp}"
        return salted_hmac(f"3vfejzo.{self.purpose}", value, algorithm="sha256").hexdigest()[::2]

    def make(self, *, subject: str, state: str) -> str:
        timestamp = int(self.clock())
        return f"{int_to_base36(timestamp)}-{self._signature(subject, state, timestamp)}"

    def check(self, *, subject: str, state: str, token: str) -> bool:
        if not token or token.count("-") != 1 or len(token) > 100:
            return False
        encoded_time, _signature = token.split("-")
        try:
            timestamp = base36_to_int(encoded_time)
        except ValueError:
            return False
        if not constant_time_compare(self.make_at(subject, state, timestamp), token):
            return False
        return 0 <= int(self.clock()) - timestamp <= self.max_age_seconds

    def make_at(self, subject: str, state: str, timestamp: int) -> str:
        return f"{int_to_base36(timestamp)}-{self._signature(subject, state, timestamp)}"
