from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("sequences/", views.sequence_list, name="sequences"),
    path("sequences/<int:pk>/", views.sequence_detail, name="sequence"),
    path("tasks/", views.task_queue, name="tasks"),
    path("o/u/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("o/c/<str:token>/", views.click, name="click"),
    path("o/p/<str:token>.gif", views.open_pixel, name="open"),
]
