from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Abonimet në email")

    def ready(self) -> None:
        # Inside ready(): these modules import models, which load only once the registry is
        # ready. Importing them connects the receivers and adds the account pages' parts.
        from subscriptions import account_pages, receivers  # noqa: F401
