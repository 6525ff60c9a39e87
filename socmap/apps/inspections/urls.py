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
    path("inspections/findings/<int:finding_id>/withdraw/", views.finding_withdraw, name="finding_withdraw"),
    path("inspections/national/", views.national_list, name="national_list"),
    path("inspections/national/<int:national_id>/", views.national_detail, name="national_detail"),
    path("inspections/national/<int:national_id>/track/", views.national_track, name="national_track"),
    path(
        "inspections/national/<int:national_id>/withdraw/", views.national_withdraw, name="national_withdraw"
    ),
    path("improvement/", views.board, name="board"),
    path("improvement/print/", views.board_print, name="board_print"),
    path("improvement/export/", views.action_export, name="action_export"),
    path("improvement/actions/new/", views.action_create, name="action_create"),
    path("improvement/actions/<int:action_id>/", views.action_detail, name="action_detail"),
]
