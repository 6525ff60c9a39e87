from django.urls import path

from socmap.apps.places import views

app_name = "places"

urlpatterns = [
    path("places/", views.operation_list, name="operation_list"),
    path("places/new/", views.operation_new, name="operation_new"),
    path("places/<int:operation_id>/", views.operation_detail, name="operation"),
    path("places/<int:operation_id>/activities/new/", views.activity_new, name="activity_new"),
    path("places/<int:operation_id>/measures/new/", views.measure_new, name="measure_new"),
    path("places/<int:operation_id>/chart.svg", views.chart_svg, name="chart_svg"),
]
