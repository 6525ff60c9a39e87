import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
os.environ.setdefault("SOCMAP_WEB", "true")  # short queries: see settings._database
application = get_asgi_application()
