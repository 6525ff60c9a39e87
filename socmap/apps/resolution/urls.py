from django.urls import path

from socmap.apps.resolution import views, views_ftm, views_review, views_search

app_name = "resolution"

urlpatterns = [
    path("search/", views_search.people, name="search"),
    path("review/", views_review.queue, name="queue"),
    path("review/pairs/", views.queue, name="pairs"),
    path("review/people/", views_review.item_next, name="item_next"),
    path("review/people/<str:key>/", views_review.item, name="item"),
    path("review/people/<str:key>/skip/", views_review.item_skip, name="item_skip"),
    path("review/people/<str:key>/assign/", views_review.item_assign, name="item_assign"),
    path("review/decisions/undo/", views_review.batch_undo, name="batch_undo"),
    path("review/next/", views.next_pair, name="next"),
    path("review/pairs/<int:pair_id>/", views.pair_review, name="pair"),
    path("review/pairs/<int:pair_id>/skip/", views.skip, name="skip"),
    path("review/runs/", views.runs, name="runs"),
    path("entities/<str:entity_id>/", views.entity, name="entity"),
    path("entities/<str:entity_id>/undo/", views.entity_undo, name="undo"),
    path("entities/<str:entity_id>/decisions/", views.entity_decisions, name="entity_decisions"),
    path("entities/<str:entity_id>/events/", views.entity_events, name="entity_events"),
    path("entities/<str:entity_id>/links/", views.entity_links, name="entity_links"),
    path("entities/<str:entity_id>/export/ftm/", views_ftm.entity_export, name="entity_export"),
]
