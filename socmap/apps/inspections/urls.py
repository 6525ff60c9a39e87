from django.urls import path

from socmap.apps.inspections import views

app_name = "inspections"

urlpatterns = [
    path("inspections/", views.finding_list, name="finding_list"),
    path("inspections/export/", views.finding_export, name="finding_export"),
    path("inspections/import/", views.finding_import, name="finding_import"),
    path("inspections/grades/", views.grades, name="grades"),
    path("inspections/status-over-time/", views.status_chart, name="status_chart"),
    path("inspections/findings/<int:finding_id>/", views.finding_detail, name="finding_detail"),
    path("inspections/findings/<int:finding_id>/link/", views.finding_link, name="finding_link"),
    path("improvement/", views.board, name="board"),
    path("improvement/print/", views.board_print, name="board_print"),
    path("improvement/export/", views.action_export, name="action_export"),
    path("improvement/actions/new/", views.action_create, name="action_create"),
    path("improvement/actions/<int:action_id>/", views.action_detail, name="action_detail"),
]
