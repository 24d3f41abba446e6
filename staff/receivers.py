"""What the staff app does when Django tells it something."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from staff.services import roles_sync


@receiver(post_migrate, dispatch_uid="staff.sync_roles")
def roles_synced_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    """Give the role groups exactly their permissions after every `migrate`.

    Once, after the staff app's own migrations: "staff" comes after every app with
    models, so their permissions exist by then.
    """
    if sender.name == "staff":
        roles_sync()
