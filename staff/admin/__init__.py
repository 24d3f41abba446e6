"""The back office of staff: their roles, training and second factor (`staff`), and the
pages of the two apps staff builds on: the accounts with their powers (`accounts`) and
the mail outbox (`outbox`). Every other app registers its own pages in its `admin.py`
on staff's base (`staff.admin_base`)."""

from staff.admin import accounts, outbox, staff

__all__ = ["accounts", "outbox", "staff"]
