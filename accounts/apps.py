from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Llogaritë"

    def ready(self) -> None:
        # The apps above add their parts of the account pages in their account_pages.py
        # (accounts.extensions).
        autodiscover_modules("account_pages")
