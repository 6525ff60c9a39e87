import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
os.environ.setdefault("SOCMAP_WEB", "true")  # short queries: see settings._database
application = get_wsgi_application()
