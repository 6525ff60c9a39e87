from django.urls import path

from socmap.apps.network import views

app_name = "network"

urlpatterns = [
    path("groups/", views.ocg_list, name="ocg_list"),
    path("groups/return/", views.national_return, name="national_return"),
    path("groups/<int:ocg_id>/", views.ocg_detail, name="ocg_detail"),
    path("groups/<int:ocg_id>/export/<str:fmt>/", views.ocg_export, name="ocg_export"),
    path("groups/<int:ocg_id>/network/", views.ocg_network, name="ocg_network"),
    path("network/runs/", views.runs, name="runs"),
    path("network/individuals/", views.individuals, name="individuals"),
    path("network/entities/<str:entity_id>/", views.explorer, name="explorer"),
    path("network/entities/<str:entity_id>/export/<str:fmt>/", views.explorer_export, name="explorer_export"),
]
