"""Erasure requests (P12): asked for, confirmed by mail, executed by the officer."""
