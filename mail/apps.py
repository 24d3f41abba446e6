from anymail.signals import tracking
from django.apps import AppConfig

from mail.webhooks import feedback_from_provider_event


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = "Posta"

    def ready(self) -> None:
        tracking.connect(feedback_from_provider_event, dispatch_uid="mail.provider_feedback")
