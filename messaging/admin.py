"""Support staff's view of messaging: search and filters; read-only where a write would
bypass the services (a message's status, the outbox, webhook events)."""

from django.contrib import admin  # noqa: F401

# --- channels and the debug log ------------------------------------------------------------

# --- messages, their history and the outbox ------------------------------------------------

# --- sender IDs ----------------------------------------------------------------------------

# --- opt-outs ------------------------------------------------------------------------------
