"""Retention (P8, P12): each app's schedules, applied daily."""
