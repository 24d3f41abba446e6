from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from privacy.crypto import keyring


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Mbrojtja e të dhënave")

    def ready(self) -> None:
        # Fail at start-up, not on the first page that opens a value, when a key
        # is missing or malformed.
        keyring()
        autodiscover_modules("personal_data")
