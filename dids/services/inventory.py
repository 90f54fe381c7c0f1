"""Writes on the inventory as a tenant sees it: its label and description of a number."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.validation import full_clean
from tenants.models import Tenant

from ..models import DidNote, NumberRange


def note_for(*, tenant: Tenant, number: int) -> DidNote | None:
    return DidNote.objects.filter(number=number).first()


@transaction.atomic
def note_save(*, tenant: Tenant, number: int, label: str, description: str) -> DidNote | None:
    """Sets a number's label and description; clearing both removes the note. The number must
    be in the tenant's pool (callers check; this re-checks inside the transaction)."""
    if not NumberRange.objects.filter(start__lte=number, end__gte=number).exists():
        raise ValidationError({"number": f"+{number} is not in {tenant.name}'s pool."})
    note = DidNote.objects.select_for_update().filter(number=number).first()
    if not label.strip() and not description.strip():
        if note is not None:
            note.delete()
        return None
    note = note or DidNote(tenant=tenant, number=number)
    note.label, note.description = label.strip(), description.strip()
    full_clean(note)
    note.save()
    return note
