from django.apps import AppConfig


class RecruitingConfig(AppConfig):
    name = "recruiting"
    verbose_name = "Longlist"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy checks)
