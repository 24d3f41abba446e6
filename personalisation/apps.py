from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonalisationConfig(AppConfig):
    name = "personalisation"
    verbose_name = _("Personalizimi")

    def ready(self) -> None:
        # Inside ready(): the receivers import catalog and consent models, not loaded before it.
        from personalisation import receivers  # noqa: F401
