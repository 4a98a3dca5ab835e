from django.urls import path

from . import meeting_views, views

app_name = "outreach"

urlpatterns = [
    path("sequences/", views.sequence_list, name="sequences"),
    path("sequences/new/", views.sequence_create, name="sequence_create"),
    path("sequences/<int:pk>/", views.sequence_detail, name="sequence"),
    path("sequences/<int:pk>/settings/", views.sequence_settings, name="sequence_settings"),
    path("sequences/<int:pk>/status/", views.sequence_status, name="sequence_status"),
    path("sequences/<int:pk>/steps/", views.step_save, name="step_add"),
    path("sequences/<int:pk>/steps/<int:step_id>/", views.step_save, name="step_edit"),
    path("sequences/<int:pk>/steps/<int:step_id>/delete/", views.step_delete, name="step_delete"),
    path("sequences/<int:pk>/steps/order/", views.steps_reorder, name="steps_reorder"),
    path("sequences/<int:pk>/preview/", views.step_preview, name="step_preview"),
    path("sequences/<int:pk>/enrollments/", views.sequence_enrollments, name="enrollments"),
    path("enrollments/<int:pk>/<str:action>/", views.enrollment_action, name="enrollment_action"),
    path("rejection-emails/", views.rejection_templates, name="rejection_templates"),
    path("rejection-emails/<int:pk>/", views.rejection_templates, name="rejection_template"),
    path("enroll/", views.enroll, name="enroll"),
    path("enroll/batches/<int:pk>/", views.batch, name="batch"),
    path("tasks/", views.task_queue, name="tasks"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("touches/<int:pk>/resend/", views.touch_resend, name="touch_resend"),
    path("sequences/<int:pk>/campaigns/", views.campaign_add, name="campaign_add"),
    path("replies/", views.reply_list, name="replies"),
    path("dispatcher/", views.dispatcher_status, name="dispatcher"),
    path("replies/<int:pk>/tag/", views.reply_tag, name="reply_tag"),
    path("replies/<int:pk>/match/", views.reply_match, name="reply_match"),
    path("replies/<int:pk>/ready-to-talk/", views.reply_ready_to_talk, name="reply_ready_to_talk"),
    path("replies/<int:pk>/role/", views.reply_add_to_role, name="reply_add_to_role"),
    path("candidates/<int:candidate_id>/log-reply/", views.log_reply, name="log_reply"),
    path("o/u/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("o/prefs/<str:token>/", views.preferences, name="preferences"),
    path("o/c/<str:token>/", views.click, name="click"),
    path("o/p/<str:token>.gif", views.open_pixel, name="open"),
]

urlpatterns += [
    path("meetings/", meeting_views.meeting_list, name="meetings"),
    path("availability/", meeting_views.availability, name="availability"),
    path("availability/feed/revoke/", meeting_views.feed_revoke, name="feed_revoke"),
    path("meeting-types/", meeting_views.meeting_types, name="meeting_types"),
    path("meeting-types/<int:pk>/", meeting_views.meeting_types, name="meeting_type"),
    path("meetings/<int:pk>/cancel/", meeting_views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/reschedule/", meeting_views.meeting_reschedule, name="meeting_reschedule"),
    path("meetings/<int:pk>/no-show/", meeting_views.meeting_no_show, name="meeting_no_show"),
    path(
        "candidates/<int:candidate_id>/booking-link/",
        meeting_views.booking_link_send,
        name="booking_link_send",
    ),
    path("cards/<int:card_id>/schedule/", meeting_views.card_schedule, name="card_schedule"),
    path("o/book/<str:token>/", meeting_views.book, name="book"),
    path("o/meeting/<str:token>/", meeting_views.meeting_manage, name="meeting_manage"),
    path(
        "o/meeting/<str:token>/reschedule/",
        meeting_views.meeting_reschedule_public,
        name="meeting_reschedule_public",
    ),
    path("o/meeting/<str:token>/cancel/", meeting_views.meeting_cancel_public, name="meeting_cancel_public"),
    path("o/feed/<uuid:key>.ics", meeting_views.feed, name="feed"),
]
