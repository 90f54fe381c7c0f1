"""The portal's settings with one more address for bench/inbound_intake.py: a no-op Django view
served by the same gunicorn, through the same middleware, as the yardstick for the intake."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "_intake_urls"
