from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles_after_migrate(**kwargs: Any) -> None:
    from staff.services import roles_sync

    roles_sync()


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Stafi"

    def ready(self) -> None:
        # "staff" is the last installed app, so every other app's permissions exist by now.
        post_migrate.connect(
            _sync_roles_after_migrate, sender=self, dispatch_uid="staff.sync_roles"
        )
