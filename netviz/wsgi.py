"""WSGI entry point for netviz."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netviz.settings")
application = get_wsgi_application()
