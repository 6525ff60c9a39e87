import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
application = get_wsgi_application()


def _loaded() -> None:
    """Load every view now (the URL patterns import them), then keep all that was loaded out of the
    cycle collector's walks: it lives as long as the worker (``keep_out_of_collections``)."""
    from django.urls import get_resolver

    from socmap.apps.core.bulk import keep_out_of_collections

    get_resolver().url_patterns  # noqa: B018 - imported for its side effect: every view loaded
    keep_out_of_collections()


_loaded()
