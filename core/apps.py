from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Bërthama"

    def ready(self) -> None:
        # Each app registers what it owns in modules of known names: its daily and
        # periodic jobs (tasks.py, core.daily), its permissions' grants to the roles
        # (permissions.py), its signal receivers (receivers.py), its system checks.
        autodiscover_modules("tasks", "permissions", "receivers", "checks")
