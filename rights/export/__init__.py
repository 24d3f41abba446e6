"""Downloads of a customer's data (P12): asked for with the password, built by a task
(tried again when it fails), mailed as a signed link that works only for that
customer, deleted when it expires.

`files` keeps the sealed file on disk, `links` signs its address, `access` is the
customer's side, `build` the task's. Everything the rest of the shop uses is here.
"""

from rights.export.access import (
    ExportState,
    ExportUnavailable,
    PasswordIncorrect,
    data_export_download,
    data_export_for_token,
    data_export_open,
    data_export_request,
    data_export_states,
)
from rights.export.build import (
    BUILD_ATTEMPTS,
    FAILED_ANCHOR,
    build_retry_delay,
    data_export_build,
    data_export_build_failed,
    data_export_build_task,
    data_exports_failed,
    data_exports_requeue_stalled,
)
from rights.export.files import (
    data_export_files_delete,
    data_exports_expire,
    export_dir,
    key_of,
    link_lifetime,
)
from rights.export.links import LINK_SALT, data_export_link

__all__ = [
    "BUILD_ATTEMPTS",
    "FAILED_ANCHOR",
    "LINK_SALT",
    "ExportState",
    "ExportUnavailable",
    "PasswordIncorrect",
    "build_retry_delay",
    "data_export_build",
    "data_export_build_failed",
    "data_export_build_task",
    "data_export_download",
    "data_export_files_delete",
    "data_export_for_token",
    "data_export_link",
    "data_export_open",
    "data_export_request",
    "data_export_states",
    "data_exports_expire",
    "data_exports_failed",
    "data_exports_requeue_stalled",
    "export_dir",
    "key_of",
    "link_lifetime",
]
