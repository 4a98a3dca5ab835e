from django.apps import AppConfig


class PipelinesConfig(AppConfig):
    name = "pipelines"

    def ready(self):
        from candidates.custom_fields import register_holder
        from candidates.models import CustomField

        from . import receivers  # noqa: F401  (connects the candidates_merging / candidate_erasing receivers)
        from .models import Requisition

        register_holder(
            CustomField.AppliesTo.REQUISITION, Requisition
        )  # whose rows hold requisitions' values
