"""Demo data for development and review: a realistic catalogue, customers and staff.

Everything here is deterministic, so two seeded databases hold the same products
at the same prices; only password hashes and timestamps differ.
"""
