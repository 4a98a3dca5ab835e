from django.urls import path

from . import data_request_views, meeting_views, outbox_views, sending_views, views

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
    path("sending-identity/", sending_views.identity, name="identity"),
    path("sending-identity/<int:user_id>/", sending_views.identity, name="identity_of"),
    path("sending-identity/<int:user_id>/test/", sending_views.identity_test, name="identity_test"),
    path("deliverability/", sending_views.deliverability_page, name="deliverability"),
    path("mailboxes/", views.mailbox_list, name="mailboxes"),
    path("mailboxes/<int:pk>/", views.mailbox_list, name="mailbox"),
    path("mailboxes/<int:pk>/delete/", views.mailbox_delete, name="mailbox_delete"),
    path("replies/<int:pk>/tag/", views.reply_tag, name="reply_tag"),
    path("replies/<int:pk>/match/", views.reply_match, name="reply_match"),
    path("replies/<int:pk>/ready-to-talk/", views.reply_ready_to_talk, name="reply_ready_to_talk"),
    path("replies/<int:pk>/role/", views.reply_add_to_role, name="reply_add_to_role"),
    path("candidates/<int:candidate_id>/log-reply/", views.log_reply, name="log_reply"),
    path("candidates/<int:candidate_id>/email/", outbox_views.compose_email, name="compose"),
    path("replies/<int:pk>/answer/", outbox_views.reply_compose, name="reply_compose"),
    path("email/", outbox_views.bulk_email, name="bulk_email"),
    path("email/preview/", outbox_views.email_preview, name="email_preview"),
    path("outbox/", outbox_views.outbox_list, name="outbox"),
    path("outbox/<int:pk>/cancel/", outbox_views.email_cancel, name="email_cancel"),
    path(
        "candidates/<int:candidate_id>/snooze/<int:message_id>/",
        views.snooze_until_back,
        name="snooze_until_back",
    ),
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

urlpatterns += [
    path("o/prefs/<str:token>/data/", data_request_views.data_request_ask, name="data_request"),
    path("o/data/confirm/<str:token>/", data_request_views.data_request_confirm, name="data_confirm"),
    path("o/data/file/<str:token>/", data_request_views.data_request_download, name="data_download"),
    path("data-requests/", data_request_views.data_requests, name="data_requests"),
    path(
        "data-requests/<int:pk>/answer/", data_request_views.data_request_answer, name="data_request_answer"
    ),
    path("data-requests/<int:pk>/file/", data_request_views.data_request_file, name="data_request_file"),
]
