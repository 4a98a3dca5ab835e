from django.apps import AppConfig


class RecruitingConfig(AppConfig):
    name = "recruiting"
    verbose_name = "Longlist"

    def ready(self) -> None:
        from . import checks, receivers  # noqa: F401  (register the deploy checks, connect the receivers)
