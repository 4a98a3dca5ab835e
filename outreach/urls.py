from django.urls import path

from . import views

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
    path("mailboxes/", views.mailbox_list, name="mailboxes"),
    path("mailboxes/<int:pk>/", views.mailbox_list, name="mailbox"),
    path("mailboxes/<int:pk>/delete/", views.mailbox_delete, name="mailbox_delete"),
    path("replies/<int:pk>/tag/", views.reply_tag, name="reply_tag"),
    path("replies/<int:pk>/match/", views.reply_match, name="reply_match"),
    path("replies/<int:pk>/ready-to-talk/", views.reply_ready_to_talk, name="reply_ready_to_talk"),
    path("replies/<int:pk>/role/", views.reply_add_to_role, name="reply_add_to_role"),
    path("candidates/<int:candidate_id>/log-reply/", views.log_reply, name="log_reply"),
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
