from tenants.access import memberships_of


def navigation(request):
    """The tenant switcher: the user's tenants, computed once per page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"my_memberships": memberships_of(user)}
