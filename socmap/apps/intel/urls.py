from django.urls import path

from socmap.apps.intel import source_views, views

app_name = "intel"

urlpatterns = [
    path("search/records/", views.search, name="search"),
    path("records/<int:record_id>/", views.record_detail, name="record_detail"),
    path("ingest/", views.batch_list, name="batch_list"),
    path("ingest/batches/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("ingest/quarantine/", views.quarantine_list, name="quarantine_list"),
    path("sources/", source_views.source_list, name="source_list"),
    path("sources/<slug:name>/mapping/", source_views.source_mapping, name="source_mapping"),
    path("ingest/quarantine/<int:row_id>/", views.quarantine_detail, name="quarantine_detail"),
]
