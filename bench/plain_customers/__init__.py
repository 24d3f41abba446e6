"""Bench-only app: customers in clear, the counterpart of accounts.User in bench/privacy.py.

Installed only inside the privacy benchmark's own process (bench/privacy.py adds it to
INSTALLED_APPS before django.setup()); the shop never loads it. Its table is created
with the schema editor in the benchmark's throwaway database.
"""
