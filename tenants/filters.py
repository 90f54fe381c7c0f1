import django_filters
from django.db.models import Q
from django.utils import timezone

from portal.filters import FilterForm, SearchFilterSet
from tenants.models import ApiToken, Invitation, Membership, Role, Tenant, User


class TenantFilter(SearchFilterSet):
    search_fields = ("name", "slug", "contact_email")
    status = django_filters.ChoiceFilter(choices=Tenant.Status.choices, empty_label="Any status")

    class Meta:
        model = Tenant
        fields = ["q", "status"]
        form = FilterForm


class UserFilter(SearchFilterSet):
    search_fields = ("email", "full_name")
    kind = django_filters.ChoiceFilter(
        method="filter_kind",
        label="Role",
        empty_label="Everyone",
        choices=[
            ("admin", "System administrators"),
            ("support", "Support staff"),
            ("tenant", "Tenant users"),
            ("inactive", "Inactive"),
        ],
    )

    class Meta:
        model = User
        fields = ["q", "kind"]
        form = FilterForm

    def filter_kind(self, queryset, name, value):
        return {
            "admin": queryset.filter(is_superuser=True),
            "support": queryset.filter(is_staff=True, is_superuser=False),
            "tenant": queryset.filter(is_staff=False, is_superuser=False),
            "inactive": queryset.filter(is_active=False),
        }[value]


class MembershipFilter(SearchFilterSet):
    search_fields = ("user__email", "user__full_name")
    role = django_filters.ChoiceFilter(choices=Role.choices, empty_label="Any role")

    class Meta:
        model = Membership
        fields = ["q", "role"]
        form = FilterForm


class ApiTokenFilter(SearchFilterSet):
    search_fields = ("name", "prefix")

    class Meta:
        model = ApiToken
        fields = ["q"]
        form = FilterForm


class InvitationFilter(SearchFilterSet):
    search_fields = ("email",)
    state = django_filters.ChoiceFilter(
        method="filter_state",
        label="State",
        empty_label="Any state",
        choices=Invitation.State.choices,
    )

    class Meta:
        model = Invitation
        fields = ["q", "state"]
        form = FilterForm

    def filter_state(self, queryset, name, value):
        now = timezone.now()
        open_ = Q(accepted_at__isnull=True, declined_at__isnull=True, revoked_at__isnull=True)
        return {
            Invitation.State.PENDING: queryset.filter(open_, expires_at__gt=now),
            Invitation.State.EXPIRED: queryset.filter(open_, expires_at__lte=now),
            Invitation.State.ACCEPTED: queryset.filter(accepted_at__isnull=False),
            Invitation.State.DECLINED: queryset.filter(declined_at__isnull=False),
            Invitation.State.REVOKED: queryset.filter(revoked_at__isnull=False),
        }[value]
