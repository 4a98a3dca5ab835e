from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "outreach"

    def ready(self):
        from . import providers, receivers  # noqa: F401  (receivers connects candidates' and pipelines' signals)

        providers.connect()  # django-anymail's inbound and tracking webhooks
