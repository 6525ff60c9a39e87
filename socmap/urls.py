from django.urls import include, path

from socmap.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("socmap.apps.core.urls")),
    path("", include("socmap.apps.inspections.urls")),
    path("", include("socmap.apps.intel.urls")),
    path("", include("socmap.apps.resolution.urls")),
    path("", include("socmap.apps.network.urls")),
    path("", include("socmap.apps.assessment.urls")),
    path("", include("socmap.apps.tasking.urls")),
    path("", include("socmap.apps.lifetime.urls")),
    path("", include("socmap.apps.partnership.urls")),
    path("", include("socmap.apps.workforce.urls")),
    path("", include("socmap.apps.places.urls")),
    path("", include("socmap.apps.profile.urls")),
]

handler403 = "socmap.apps.core.views.error_403"
handler404 = "socmap.apps.core.views.error_404"
handler500 = "socmap.apps.core.views.error_500"
