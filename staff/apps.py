from typing import Any

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


def _sync_roles_after_migrate(**kwargs: Any) -> None:
    from staff.services import roles_sync

    roles_sync()


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Stafi"

    def ready(self) -> None:
        from staff import checks  # noqa: F401  (registers the system checks)

        # "staff" comes after every app with models, so their permissions exist by now.
        post_migrate.connect(
            _sync_roles_after_migrate, sender=self, dispatch_uid="staff.sync_roles"
        )


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin app, whose default site is the back office with a second factor (P14).

    Installed in place of "django.contrib.admin": every app keeps registering on
    `django.contrib.admin.site`, which is then a StaffAdminSite. `default = False`
    keeps Django from taking this class as the configuration of the staff app itself.
    """

    default = False
    default_site = "staff.admin_site.StaffAdminSite"
