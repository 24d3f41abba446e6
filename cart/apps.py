from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "cart"
    verbose_name = "Shporta"

    def ready(self) -> None:
        # Inside ready(): the receivers import models, which are not loaded before it.
        from cart import signals  # noqa: F401  (connects them)
