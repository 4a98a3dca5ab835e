from django.urls import path

from . import careers_views, views

app_name = "pipelines"

urlpatterns = [
    path("requisitions/", views.requisition_list, name="requisitions"),
    path("requisitions/<int:pk>/", views.requisition_detail, name="requisition"),
    path("requisitions/<int:pk>/board/", views.board, name="board"),
    path("requisitions/<int:pk>/shortlist/", views.shortlist, name="shortlist"),
    path("talent-board/", views.talent_board, name="talent_board"),
    path("cards/<int:card_id>/review/", views.shortlist_review, name="shortlist_review"),
    path("cards/<int:card_id>/resume/", views.card_resume, name="card_resume"),
    path("cards/<int:card_id>/feedback/", views.card_feedback, name="card_feedback"),
    path("requisitions/<int:pk>/criteria/", views.requisition_criteria, name="requisition_criteria"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:review_id>/acknowledge/", views.decision_acknowledge, name="decision_acknowledge"),
    path("cards/menu/", views.card_menu, name="card_menu"),
    path("cards/<int:card_id>/move/", views.card_move, name="card_move"),
    path("cards/<int:card_id>/reject/", views.card_reject, name="card_reject"),
    path("cards/<int:card_id>/reinstate/", views.card_reinstate, name="card_reinstate"),
    path("requisitions/<int:pk>/turned-down/", views.turned_down, name="turned_down"),
    path("requisitions/<int:pk>/cards/bulk/", views.cards_bulk, name="cards_bulk"),
    path("cards/<int:card_id>/to-requisition/", views.card_to_requisition, name="card_to_requisition"),
    path("add-to-role/", views.add_to_role, name="add_to_role"),
    path("add-to-role/<int:pk>/", views.add_batch, name="add_batch"),
    path("stages/<int:stage_id>/cards/", views.column_more, name="column_more"),
    path("requisitions/new/", views.requisition_create, name="requisition_create"),
    path("requisitions/<int:pk>/edit/", views.requisition_edit, name="requisition_edit"),
    path("requisitions/<int:pk>/status/", views.requisition_status, name="requisition_status"),
    path("requisitions/<int:pk>/stages/", views.stage_list, name="stages"),
    path("requisitions/<int:pk>/stages/add/", views.stage_add, name="stage_add"),
    path("requisitions/<int:pk>/stages/reorder/", views.stages_reorder, name="stages_reorder"),
    path("requisitions/<int:pk>/stages/<int:stage_id>/edit/", views.stage_edit, name="stage_edit"),
    path("requisitions/<int:pk>/stages/<int:stage_id>/delete/", views.stage_delete, name="stage_delete"),
    path("requisitions/<int:pk>/talent-review/", views.talent_review, name="talent_review"),
    path(
        "requisitions/<int:pk>/talent-review/<int:candidate_id>/",
        views.talent_review_answer,
        name="talent_review_answer",
    ),
    path("forecast/", views.forecast, name="forecast"),
    path("forecast/settings/", views.forecast_settings, name="forecast_settings"),
    path("careers/", careers_views.careers, name="careers"),
    path("careers/<int:pk>/", careers_views.careers_role, name="careers_role"),
    path("careers/<int:pk>/thanks/", careers_views.careers_thanks, name="careers_thanks"),
    path("careers-settings/", careers_views.careers_settings, name="careers_settings"),
]
