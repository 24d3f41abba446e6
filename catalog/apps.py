from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Katalogu"

    def ready(self) -> None:
        # Inside ready(): the receivers import models, which are not loaded before it.
        from catalog import signals

        signals.connect()
