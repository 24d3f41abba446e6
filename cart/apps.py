from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "cart"
    verbose_name = "Shporta"

    def ready(self) -> None:
        from cart import signals  # noqa: F401
