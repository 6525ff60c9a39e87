from django.urls import path

from socmap.apps.workforce import views

app_name = "workforce"

urlpatterns = [
    path("workforce/", views.region, name="region"),
    path("workforce/alerts/", views.alerts, name="alerts"),
    path("workforce/people/<int:member_id>/", views.member_detail, name="member"),
    path("workforce/<slug:slug>/", views.capability, name="capability"),
    path("workforce/<slug:slug>/people/", views.people, name="people"),
    path("workforce/<slug:slug>/people/new/", views.member_new, name="member_new"),
]
