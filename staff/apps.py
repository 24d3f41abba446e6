from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Stafi"


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin app, whose default site is the back office with a second factor (P14).

    Installed in place of "django.contrib.admin": every app keeps registering on
    `django.contrib.admin.site`, which is then a StaffAdminSite. `default = False`
    keeps Django from taking this class as the configuration of the staff app itself.
    """

    default = False
    default_site = "staff.admin_site.StaffAdminSite"
