from django.urls import path

from socmap.apps.assessment import views

app_name = "assessment"

urlpatterns = [
    path("threats/", views.priorities, name="priorities"),
    path("threats/force/", views.priorities_force, name="priorities_force"),
    path("threats/overdue/", views.overdue, name="overdue"),
    path("threats/new/", views.threat_new, name="threat_new"),
    path("threats/export/", views.export, name="export"),
    path("threats/chart/<str:chart>.svg", views.chart_svg, name="chart_svg"),
    path("threats/<int:threat_id>/", views.threat_detail, name="threat"),
    path("threats/<int:threat_id>/assess/", views.assess, name="assess"),
    path("threats/<int:threat_id>/versions/<int:number>/", views.version_detail, name="version"),
]
