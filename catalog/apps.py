from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Katalogu"

    def ready(self) -> None:
        from catalog import signals

        signals.connect()
