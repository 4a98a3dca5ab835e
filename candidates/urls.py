from django.urls import path

from . import custom_field_views, views

app_name = "candidates"

urlpatterns = [
    path("candidates/", views.candidate_list, name="list"),
    path("candidates/jump/", views.candidate_jump, name="jump"),
    path("candidates/new/", views.candidate_create, name="create"),
    path("candidates/export.csv", views.candidate_export, name="export"),
    path("candidates/import/", views.import_upload, name="import"),
    path("candidates/import/<int:pk>/", views.import_job, name="import_job"),
    path("candidates/import/<int:pk>/start/", views.import_start, name="import_start"),
    path("candidates/import/<int:pk>/columns/", views.import_columns, name="import_columns"),
    path("candidates/<int:pk>/edit/", views.candidate_edit, name="edit"),
    path("candidates/<int:pk>/notes/", views.add_note, name="add_note"),
    path("candidates/<int:pk>/merge/", views.merge_pick, name="merge"),
    path("candidates/<int:pk>/merge/<int:other_pk>/", views.merge_confirm, name="merge_confirm"),
    path("candidates/<int:pk>/erase/", views.candidate_erase, name="erase"),
    path("candidates/<int:pk>/privacy-notice-sent/", views.privacy_notice_sent, name="privacy_notice_sent"),
    path("candidates/<int:pk>/keep/", views.privacy_keep, name="privacy_keep"),
    path("candidates/<int:pk>/resumes/", views.resume_upload, name="resume_upload"),
    path(
        "candidates/<int:pk>/resumes/<int:resume_id>/download/", views.resume_download, name="resume_download"
    ),
    path("settings/custom-fields/", custom_field_views.custom_field_list, name="custom_fields"),
    path("settings/custom-fields/<int:pk>/", custom_field_views.custom_field_edit, name="custom_field"),
    path(
        "settings/custom-fields/<int:pk>/archive/",
        custom_field_views.custom_field_archive,
        name="custom_field_archive",
    ),
    path(
        "settings/custom-fields/<int:pk>/delete/",
        custom_field_views.custom_field_delete,
        name="custom_field_delete",
    ),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/policy/", views.privacy_policy, name="privacy_policy"),
    path("pools/", views.pool_list, name="pools"),
    path("pools/<int:pk>/", views.pool_detail, name="pool"),
    path("pools/<int:pk>/edit/", views.pool_edit, name="pool_edit"),
    path("pools/<int:pk>/delete/", views.pool_delete, name="pool_delete"),
    path("pools/add/", views.add_to_pool, name="add_to_pool"),
    path("pools/smart/", views.save_smart_pool, name="save_smart_pool"),
    path(
        "pools/<int:pk>/members/<int:candidate_pk>/remove/",
        views.pool_remove_member,
        name="pool_remove_member",
    ),
    path("referrals/", views.referral_inbox, name="referrals"),
    path("referrals/new/", views.referral_create, name="referral_create"),
    path("referrals/mine/", views.my_referrals, name="my_referrals"),
    path("referrals/<int:pk>/status/", views.referral_status, name="referral_status"),
]
