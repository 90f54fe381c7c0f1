"""The Support group: read access to every model in the Django admin.

The group is made by a data migration; after every migrate the view permissions of all models
(including ones added later) are granted to it. Change permissions are granted by hand, per
model, in the admin.
"""

from django.contrib.auth.models import Group, Permission

SUPPORT_GROUP = "Support"


def support_group() -> Group:
    """The Support group, made with its view permissions if it went missing (a deleted group
    must not leave support users with an empty one)."""
    group, created = Group.objects.get_or_create(name=SUPPORT_GROUP)
    if created:
        grant_support_view_permissions()
    return group


def grant_support_view_permissions(sender=None, using="default", **kwargs) -> None:
    group = Group.objects.using(using).filter(name=SUPPORT_GROUP).first()
    if group is None:
        return
    view_perms = Permission.objects.using(using).filter(codename__startswith="view_")
    group.permissions.add(*view_perms)
