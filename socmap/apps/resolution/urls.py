from django.urls import path

from socmap.apps.resolution import views, views_ftm, views_search

app_name = "resolution"

urlpatterns = [
    path("search/", views_search.people, name="search"),
    path("review/", views.queue, name="queue"),
    path("review/next/", views.next_pair, name="next"),
    path("review/pairs/<int:pair_id>/", views.pair_review, name="pair"),
    path("review/pairs/<int:pair_id>/skip/", views.skip, name="skip"),
    path("review/runs/", views.runs, name="runs"),
    path("entities/<str:entity_id>/", views.entity, name="entity"),
    path("entities/<str:entity_id>/undo/", views.entity_undo, name="undo"),
    path("entities/<str:entity_id>/export/ftm/", views_ftm.entity_export, name="entity_export"),
]
