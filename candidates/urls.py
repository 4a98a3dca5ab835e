from django.urls import path

from . import views

app_name = "candidates"

urlpatterns = [
    path("candidates/", views.candidate_list, name="list"),
    path("candidates/new/", views.candidate_create, name="create"),
    path("candidates/<int:pk>/", views.candidate_detail, name="detail"),
    path("candidates/<int:pk>/edit/", views.candidate_edit, name="edit"),
    path("candidates/<int:pk>/notes/", views.add_note, name="add_note"),
    path("pools/", views.pool_list, name="pools"),
    path("pools/<int:pk>/", views.pool_detail, name="pool"),
    path("referrals/", views.referral_inbox, name="referrals"),
    path("referrals/new/", views.referral_create, name="referral_create"),
    path("referrals/mine/", views.my_referrals, name="my_referrals"),
    path("referrals/<int:pk>/status/", views.referral_status, name="referral_status"),
]
