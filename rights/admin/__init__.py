"""The privacy back office: the access record, and the erasure queue with its legal holds."""

from rights.admin import access, dashboard, erasure, holds

__all__ = ["access", "dashboard", "erasure", "holds"]
