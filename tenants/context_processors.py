from tenants.access import memberships_of


def navigation(request):
    """The tenant switcher and the tenant navigation, also on pages that are not a tenant's own
    view (error pages, the account page): the tenant named in the address, else the last one
    used, among the user's memberships (computed once per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_memberships": [], "nav_membership": None, "nav_membership_tenant": None}
    memberships = memberships_of(user)
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("tenant_slug") if match else None
    current = next(
        (
            m
            for m in memberships
            if (m.tenant.slug == slug if slug else m.tenant_id == user.last_tenant_id)
        ),
        None,
    )
    return {
        "my_memberships": memberships,
        "nav_membership": current,
        "nav_membership_tenant": current.tenant if current else None,
    }
