import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from portal.handlers import asgi_application  # noqa: E402 - after the settings are named

application = asgi_application(get_asgi_application())
