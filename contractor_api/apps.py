from django.apps import AppConfig


class ContractorApiConfig(AppConfig):
    name = "contractor_api"
    # Listed right after "Kontraktorët" in the back office: the same section's API keys.
    verbose_name = "Kontraktorët: API"
