import django_filters
from django.db.models import Q

from portal.filters import FilterForm, SearchFilterSet
from portal.phone import search_digits

from ..models import OptOut


class OptOutFilter(SearchFilterSet):
    """Digits of the recipient as typed, or text of the sender or note; the source; one
    sender or all."""

    search_fields = ("sender", "note")
    source = django_filters.ChoiceFilter(choices=OptOut.Source.choices, empty_label="Any source")
    covers = django_filters.ChoiceFilter(
        label="Senders",
        empty_label="Any",
        method="filter_covers",
        choices=[("all", "All senders"), ("one", "One sender")],
    )

    class Meta:
        model = OptOut
        fields = ["q", "source", "covers"]
        form = FilterForm

    def search(self, queryset, name, value):
        digits = search_digits(value)
        if digits is not None:
            return queryset.filter(Q(recipient__startswith=digits) | Q(sender__startswith=digits))
        return super().search(queryset, name, value)

    def filter_covers(self, queryset, name, value):
        return queryset.filter(sender="") if value == "all" else queryset.exclude(sender="")
