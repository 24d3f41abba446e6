"""Inactive accounts (P12): warned, then erased."""
