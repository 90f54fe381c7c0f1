"""The inbox's template helpers: the sidebar's unread badge (one query) and a message's media
as the conversation shows them (images inline when the portal serves them, links otherwise:
the page's content policy loads images from the portal only)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.conf import settings

register = template.Library()

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp")


@register.simple_tag
def inbox_unread(tenant, user) -> int:
    from ..services.conversations import unread_count

    if tenant is None or not getattr(user, "is_authenticated", False):
        return 0
    return unread_count(tenant=tenant, user=user)


@register.filter
def media_items(message) -> list[dict]:
    items = []
    base = (getattr(settings, "PORTAL_BASE_URL", "") or "").rstrip("/")
    for url in message.media or []:
        url = str(url)
        parts = urlsplit(url)
        name = parts.path.rsplit("/", 1)[-1] or url[:40]
        local = url.startswith("/") or (base and url.startswith(base + "/"))
        src = parts.path if local else url
        image = local and parts.path.lower().endswith(IMAGE_EXTENSIONS)
        items.append({"url": src, "image": image, "name": name})
    return items
