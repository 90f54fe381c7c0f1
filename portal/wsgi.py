import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from portal.handlers import wsgi_application  # noqa: E402 - after the settings are named

application = wsgi_application(get_wsgi_application())
