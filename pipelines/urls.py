from django.urls import path

from . import views

app_name = "pipelines"

urlpatterns = [
    path("requisitions/", views.requisition_list, name="requisitions"),
    path("requisitions/<int:pk>/", views.requisition_detail, name="requisition"),
    path("requisitions/<int:pk>/board/", views.board, name="board"),
    path("requisitions/<int:pk>/shortlist/", views.shortlist, name="shortlist"),
    path("talent-board/", views.talent_board, name="talent_board"),
    path("cards/<int:card_id>/review/", views.shortlist_review, name="shortlist_review"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:review_id>/acknowledge/", views.decision_acknowledge, name="decision_acknowledge"),
    path("cards/<int:card_id>/move/", views.card_move, name="card_move"),
    path("cards/<int:card_id>/reject/", views.card_reject, name="card_reject"),
    path("cards/<int:card_id>/to-requisition/", views.card_to_requisition, name="card_to_requisition"),
    path("stages/<int:stage_id>/cards/", views.column_more, name="column_more"),
]
