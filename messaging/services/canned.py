"""Canned replies: a tenant's saved texts (title and text) that agents insert into a reply.
Tenant admins manage them; the segment count is the one a send stores (messaging/segments.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_scopes import scope

from ..models import CannedReply

MAX_TITLE = 100
MAX_TEXT = 1600


def canned_save(*, tenant, title, text, canned: CannedReply | None = None) -> CannedReply:
    """Adds a canned reply, or edits `canned`. Titles are unique in the tenant."""
    title, text = str(title or "").strip(), str(text or "")
    errors = {}
    if not title:
        errors["title"] = ["Give it a title agents recognise."]
    elif len(title) > MAX_TITLE:
        errors["title"] = [f"The title has {len(title)} characters: at most {MAX_TITLE}."]
    if not text.strip():
        errors["text"] = ["Write the text agents insert."]
    elif len(text) > MAX_TEXT:
        errors["text"] = [f"The text has {len(text)} characters: at most {MAX_TEXT}."]
    if errors:
        raise ValidationError(errors)
    with scope(tenant=tenant):
        clash = CannedReply.objects.filter(tenant=tenant, title__iexact=title)
        if canned is not None:
            clash = clash.exclude(pk=canned.pk)
        if clash.exists():
            raise ValidationError({"title": f"There is already a canned reply “{title}”."})
        target = canned or CannedReply(tenant=tenant)
        target.title, target.text = title, text
        target.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError:
            raise ValidationError({"title": f"“{title}” was just made a canned reply."}) from None
    return target


def canned_delete(*, canned: CannedReply) -> None:
    with transaction.atomic():
        canned.delete()
