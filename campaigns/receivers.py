"""What the campaigns app does when another app tells it something."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from campaigns.notices import service_notice_for_policy
from policy.models import PolicyVersion
from policy.signals import policy_published


@receiver(policy_published, dispatch_uid="campaigns.policy_service_notice")
def _mail_material_policy_change(
    sender: Any,
    version: PolicyVersion,
    translation: PolicyVersion | None,
    actor: Any,
    **kwargs: Any,
) -> None:
    """A material change of the policy or the terms is mailed to every customer (P2)."""
    if version.material:
        service_notice_for_policy(version=version, translation_row=translation, actor=actor)
