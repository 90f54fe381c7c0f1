from django.db import models
from django.db.models import Exists, OuterRef, Q


class NumberRangeQuerySet(models.QuerySet):
    def overlapping(self, start: int, end: int):
        return self.filter(start__lte=end, end__gte=start)

    def overlapping_any(self, ranges) -> models.QuerySet:
        query = Q()
        for r in ranges:
            query |= Q(start__lte=r.end, end__gte=r.start)
        return self.filter(query) if query else self.none()


class DidQuerySet(models.QuerySet):
    def in_ranges_of(self, range_queryset):
        """Numbers inside any of the given ranges (a correlated, indexed lookup)."""
        return self.filter(
            Exists(
                range_queryset.filter(start__lte=OuterRef("number"), end__gte=OuterRef("number"))
            )
        )

    def held(self):
        return self.exclude(status="released")
