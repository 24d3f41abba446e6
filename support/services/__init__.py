"""Support's writes (P9), split by concern behind this one door: import from here.

`cases` (a case's life, experts, reads), `messages` (a message added and recorded),
`photos` (photos in the storage), `outgoing` (the shop's mail about a case and its
references), `inbound` (a mail to info@ becoming or joining a case), `visitors` (the
contact form, and a visitor's case joining the account that proves the address).
"""

from support.services.cases import (
    CASE_TEXT,
    EXPERT_REASON_MIN_LETTERS,
    NEVER_CASE_TEXT,
    CaseClosed,
    CaseRefused,
    case_customer_reply,
    case_expert_active,
    case_expert_invite,
    case_expert_leave,
    case_handled_by,
    case_open_by_customer,
    case_owner_read,
    case_photo_read,
    case_reply,
    case_save,
    case_text_read,
)
from support.services.inbound import InboundOutcome, InboundResult, inbound_mail_receive
from support.services.messages import MESSAGE_MIN_LETTERS, message_clean
from support.services.outgoing import answered_by_mail, case_url, message_id_index
from support.services.photos import (
    MAX_PHOTOS_PER_MESSAGE,
    PHOTO_FOLDER,
    photo_files_delete,
    photo_files_delete_on_commit,
    photo_open,
)
from support.services.visitors import (
    case_open_by_visitor,
    cases_join_account,
    cases_join_verified,
    contact_email_clean,
    contact_name_clean,
    order_number_clean,
)

__all__ = [
    "CASE_TEXT",
    "EXPERT_REASON_MIN_LETTERS",
    "MAX_PHOTOS_PER_MESSAGE",
    "MESSAGE_MIN_LETTERS",
    "NEVER_CASE_TEXT",
    "PHOTO_FOLDER",
    "CaseClosed",
    "CaseRefused",
    "InboundOutcome",
    "InboundResult",
    "answered_by_mail",
    "case_customer_reply",
    "case_expert_active",
    "case_expert_invite",
    "case_expert_leave",
    "case_handled_by",
    "case_open_by_customer",
    "case_open_by_visitor",
    "case_owner_read",
    "case_photo_read",
    "case_reply",
    "case_save",
    "case_text_read",
    "case_url",
    "cases_join_account",
    "cases_join_verified",
    "contact_email_clean",
    "contact_name_clean",
    "inbound_mail_receive",
    "message_clean",
    "message_id_index",
    "order_number_clean",
    "photo_files_delete",
    "photo_files_delete_on_commit",
    "photo_open",
]
