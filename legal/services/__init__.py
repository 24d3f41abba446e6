"""The legal register's services (P11): register, decide, disclose, notify.

Split by concern; import from here.
"""

from legal.services.decide import legal_request_decide
from legal.services.disclose import (
    LINK_SALT,
    PACKAGE_LINK_LIFETIME,
    PackageUnavailable,
    legal_request_disclose,
    package_for_token,
    package_link,
    package_take,
    packages_expire,
)
from legal.services.errors import (
    LegalAccessDenied,
    LegalRequestError,
    check_legal_officer,
    is_legal_officer,
)
from legal.services.notices import legal_notices_send, notices_send_for
from legal.services.register import DocumentUpload, legal_request_register

__all__ = [
    "LINK_SALT",
    "PACKAGE_LINK_LIFETIME",
    "DocumentUpload",
    "LegalAccessDenied",
    "LegalRequestError",
    "PackageUnavailable",
    "check_legal_officer",
    "is_legal_officer",
    "legal_notices_send",
    "legal_request_decide",
    "legal_request_disclose",
    "legal_request_register",
    "notices_send_for",
    "package_for_token",
    "package_link",
    "package_take",
    "packages_expire",
]
