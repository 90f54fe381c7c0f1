"""Reads for the tenants app's pages.

Other apps add their own figures to the platform's tenant pages (the numbers app: each
tenant's pools, and how many of its numbers lack an E911 address) by registering here from
their AppConfig.ready, so the tenants app imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from portal.models import AuditEntry
from tenants.models import Membership, Tenant

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
