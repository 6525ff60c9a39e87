from django.contrib.auth import views as auth_views
from django.urls import path

from socmap.apps.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/sign-in/", views.SignInView.as_view(), name="login"),
    path("accounts/sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", views.two_factor, name="two_factor"),
    path("accounts/", views.account, name="account"),
    path("accounts/tokens/", views.token_list, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("purpose/", views.purpose, name="purpose"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/upload/", views.document_upload, name="document_upload"),
    path("documents/<int:document_id>/", views.document_detail, name="document_detail"),
    path("documents/<int:document_id>/download/", views.document_download, name="document_download"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
