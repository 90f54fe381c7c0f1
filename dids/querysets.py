from django.apps import apps
from django.contrib.postgres.fields import BigIntegerRangeField
from django.db import models
from django.db.backends.postgresql.psycopg_any import NumericRange
from django.db.models import Exists, ExpressionWrapper, F, Func, OuterRef, Q, Subquery, Value

# The expression of the exclusion constraints' index, so the planner can use it.
_INT8RANGE = Func(
    F("start"), F("end"), Value("[]"), function="int8range", output_field=BigIntegerRangeField()
)


class NumberRangeQuerySet(models.QuerySet):
    def overlapping(self, start: int, end: int):
        return self.filter(start__lte=end, end__gte=start)

    def overlapping_any(self, ranges) -> models.QuerySet:
        """Rows overlapping any of `ranges`. On PostgreSQL through the GiST index of the
        exclusion constraints (int8range &&), so the cost does not grow with the table."""
        ranges = list(ranges)
        if not ranges:
            return self.none()
        if self.db_vendor() == "postgresql":
            query = Q()
            for r in ranges:
                query |= Q(span__overlap=NumericRange(r.start, r.end, "[]"))
            return self.annotate(span=_INT8RANGE).filter(query)
        query = Q()
        for r in ranges:
            query |= Q(start__lte=r.end, end__gte=r.start)
        return self.filter(query)

    def db_vendor(self) -> str:
        from django.db import connections

        return connections[self.db].vendor


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

    def with_pooled(self):
        """Annotates `pooled`: whether a tenant's pool holds each number. Ranges never
        overlap, so it is the range with the greatest start not above the number (one probe of
        the range index per number, as `owner_of`), in the same query."""
        number_range = apps.get_model("dids", "NumberRange")
        last = number_range._base_manager.filter(start__lte=OuterRef("number")).order_by("-start")
        held = Q(number__lte=Subquery(last.values("end")[:1]))
        return self.annotate(pooled=ExpressionWrapper(held, output_field=models.BooleanField()))

    def with_owner(self):
        """Annotates the tenant whose pool holds each number (one correlated lookup on the
        range index, in the same query)."""
        # By name: the models module imports this one.
        number_range = apps.get_model("dids", "NumberRange")
        owner = number_range._base_manager.filter(
            start__lte=OuterRef("number"), end__gte=OuterRef("number")
        )
        return self.annotate(
            owner_tenant=Subquery(owner.values("tenant__name")[:1]),
            owner_slug=Subquery(owner.values("tenant__slug")[:1]),
        )
