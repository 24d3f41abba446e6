"""The contractors app's permissions, by the full name `has_perm` takes (P10)."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class ContractorPermission(enum.StrEnum):
    VIEW_COMPANY = "contractors.view_contractorcompany"
    ADD_COMPANY = "contractors.add_contractorcompany"
    CHANGE_COMPANY = "contractors.change_contractorcompany"
    VIEW_PERSON = "contractors.view_contractorperson"
    ADD_PERSON = "contractors.add_contractorperson"
    CHANGE_PERSON = "contractors.change_contractorperson"
    VIEW_FUNCTION = "contractors.view_contractorfunction"
    ADD_FUNCTION = "contractors.add_contractorfunction"
    CHANGE_FUNCTION = "contractors.change_contractorfunction"
    # The allow-lists: what each function sees. The DPO's alone to edit.
    VIEW_ALLOWANCE = "contractors.view_functionfieldallowance"
    ADD_ALLOWANCE = "contractors.add_functionfieldallowance"
    DELETE_ALLOWANCE = "contractors.delete_functionfieldallowance"
    VIEW_AGREEMENT = "contractors.view_agreement"
    ADD_AGREEMENT = "contractors.add_agreement"
    CHANGE_AGREEMENT = "contractors.change_agreement"
    VIEW_JOB = "contractors.view_job"
    ADD_JOB = "contractors.add_job"


ASSIGN_JOBS = [
    ContractorPermission.VIEW_COMPANY,
    ContractorPermission.VIEW_FUNCTION,
    ContractorPermission.VIEW_JOB,
    ContractorPermission.ADD_JOB,
]
REGISTER = [
    ContractorPermission.VIEW_COMPANY,
    ContractorPermission.ADD_COMPANY,
    ContractorPermission.CHANGE_COMPANY,
    ContractorPermission.VIEW_PERSON,
    ContractorPermission.ADD_PERSON,
    ContractorPermission.CHANGE_PERSON,
    ContractorPermission.VIEW_FUNCTION,
    ContractorPermission.ADD_FUNCTION,
    ContractorPermission.CHANGE_FUNCTION,
    ContractorPermission.VIEW_AGREEMENT,
    ContractorPermission.ADD_AGREEMENT,
    ContractorPermission.CHANGE_AGREEMENT,
    ContractorPermission.VIEW_ALLOWANCE,
    ContractorPermission.VIEW_JOB,
]

role_permissions_grant(
    {
        Role.SALES: ASSIGN_JOBS,
        Role.CUSTOMER_CARE: ASSIGN_JOBS,
        Role.DATA_PROTECTION_OFFICER: [
            *REGISTER,
            ContractorPermission.ADD_ALLOWANCE,
            ContractorPermission.DELETE_ALLOWANCE,
        ],
        Role.ADMINISTRATOR: REGISTER,
    }
)
