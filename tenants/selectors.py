"""Reads for the tenants app's pages.

Other apps add their own figures to the platform's tenant pages (the numbers app: each
tenant's pools, and how many of its numbers lack an E911 address) by registering here from
their AppConfig.ready, so the tenants app imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Count, Prefetch, QuerySet

from portal.models import AuditEntry
from tenants.models import ApiToken, Membership, Tenant, User

ListAnnotation = Callable[[], Any]  # returns a query expression over Tenant rows
DetailContext = Callable[[Tenant], dict[str, Any]]

_list_annotations: dict[str, ListAnnotation] = {}
_detail_contexts: list[DetailContext] = []


def register_tenant_list_annotation(name: str, annotation: ListAnnotation) -> None:
    """Adds a column to the platform's tenant list: `annotation()` is annotated as `name`."""
    _list_annotations[name] = annotation


def register_tenant_detail_context(provider: DetailContext) -> None:
    """Adds what `provider(tenant)` returns to the platform's tenant page."""
    if provider not in _detail_contexts:
        _detail_contexts.append(provider)


def tenant_list() -> QuerySet[Tenant]:
    """Every tenant with its member counts and the registered columns, by name."""
    annotations = {name: annotation() for name, annotation in _list_annotations.items()}
    return Tenant.objects.with_counts().annotate(**annotations).order_by("name")


def tenant_detail(*, tenant: Tenant) -> dict[str, Any]:
    """The platform's page of one tenant: members, recent changes and the registered parts."""
    context: dict[str, Any] = {
        "memberships": Membership.objects.filter(tenant=tenant).select_related("user")[:200],
        "recent_changes": AuditEntry.objects.filter(tenant=tenant).for_list()[:10],
    }
    for provider in _detail_contexts:
        context.update(provider(tenant))
    return context


def users_with_groups() -> QuerySet[User]:
    return User.objects.prefetch_related(Prefetch("groups", queryset=Group.objects.only("name")))


def user_list() -> QuerySet[User]:
    """Every user with their groups and how many tenants they belong to, by address."""
    return users_with_groups().annotate(tenant_count=Count("memberships")).order_by("email")


def api_tokens_shown(
    *, user: User, tenant: Tenant | None, every_member: bool
) -> QuerySet[ApiToken]:
    """The tokens a token list shows: the user's own platform-wide ones on the platform side; in
    a tenant, the user's own, or every member's (`every_member`, for its admins)."""
    queryset = ApiToken.objects.select_related("user", "tenant")
    if tenant is None:
        return queryset.filter(tenant__isnull=True, user=user)
    if every_member:
        return queryset
    return queryset.filter(user=user)
