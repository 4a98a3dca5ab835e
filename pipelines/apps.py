from django.apps import AppConfig


class PipelinesConfig(AppConfig):
    name = "pipelines"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the candidates_merging / candidate_erasing receivers)
