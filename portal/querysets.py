from django.db import models
from django.db.models import Q


class AuditEntryQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("tenant", "actor", "content_type")

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(object_repr__icontains=text)
            | Q(actor_label__icontains=text)
            | Q(request_id=text)
            | Q(message__icontains=text)
        )
