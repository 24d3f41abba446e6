from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonalisationConfig(AppConfig):
    name = "personalisation"
    verbose_name = _("Personalizimi")
