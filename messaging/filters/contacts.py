from django.db.models import Q

from portal.filters import FilterForm, SearchFilterSet
from portal.phone import search_digits

from ..models import Contact


class ContactFilter(SearchFilterSet):
    """Digits of the number as typed, or text of the name, company or notes."""

    search_fields = ("name", "company", "notes")

    class Meta:
        model = Contact
        fields = ["q"]
        form = FilterForm

    def search(self, queryset, name, value):
        digits = search_digits(value)
        if digits is not None:
            return queryset.filter(Q(number__startswith=digits) | Q(name__icontains=value.strip()))
        return super().search(queryset, name, value)
