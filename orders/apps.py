from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Porositë"

    def ready(self) -> None:
        # Inside ready(): the receivers import models, which are not loaded before it.
        from orders import receivers  # noqa: F401  (connects them)
