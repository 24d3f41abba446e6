"""The campaigns app's permissions, by the full name `has_perm` takes."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class CampaignPermission(enum.StrEnum):
    VIEW_CAMPAIGN = "campaigns.view_campaign"
    ADD_CAMPAIGN = "campaigns.add_campaign"
    CHANGE_CAMPAIGN = "campaigns.change_campaign"
    # Declared on Campaign.Meta.permissions.
    SEND_CAMPAIGN = "campaigns.send_campaign"


role_permissions_grant(
    {
        Role.MARKETING: [
            CampaignPermission.VIEW_CAMPAIGN,
            CampaignPermission.ADD_CAMPAIGN,
            CampaignPermission.CHANGE_CAMPAIGN,
            CampaignPermission.SEND_CAMPAIGN,
        ],
        Role.DATA_PROTECTION_OFFICER: [CampaignPermission.VIEW_CAMPAIGN],
        Role.ADMINISTRATOR: [CampaignPermission.VIEW_CAMPAIGN],
    }
)
