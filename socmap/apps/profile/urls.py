from django.urls import path

from socmap.apps.profile import views

app_name = "profile"

urlpatterns = [
    path("profile/", views.profile_list, name="list"),
    path("profile/new/", views.profile_new, name="new"),
    path("profile/<int:profile_id>/", views.profile_detail, name="detail"),
    path("profile/<int:profile_id>/sections/<slug:key>/", views.section, name="section"),
    path("profile/<int:profile_id>/build/", views.build, name="build"),
    path("profile/<int:profile_id>/issue/", views.issue, name="issue"),
    path("profile/versions/<int:version_id>/", views.version_detail, name="version"),
    path("profile/versions/<int:version_id>/figures/<str:key>/", views.figure_detail, name="figure"),
    path("profile/versions/<int:version_id>/document/", views.version_document, name="document"),
    path("profile/versions/<int:version_id>/profile.pdf", views.version_pdf, name="pdf"),
    path("profile/versions/<int:version_id>/profile.docx", views.version_docx, name="docx"),
    path("profile/versions/<int:version_id>/withdraw/", views.version_withdraw, name="withdraw"),
]
