"""Writes for users: create and edit, their platform roles and the support group."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from portal.validation import full_clean

from ..models import (
    User,
    normalize_email,
)
from ..passwords import check_length as check_password_length
from ..support import SUPPORT_GROUP, support_group


def _validate_password(password: str, user: User) -> None:
    try:
        check_password_length(password)  # first, alone: the other rules read the whole text
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def _check_email_free(email: str, exclude_pk: int | None = None) -> str:
    email = normalize_email(email)
    clash = User.objects.filter(email=email)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"email": f"“{email}” already has an account."})
    return email


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str,
    full_name: str = "",
    is_system_admin: bool = False,
    is_support: bool = False,
) -> User:
    email = _check_email_free(email)
    user = User(email=email, full_name=full_name.strip())
    _validate_password(password, user)
    user.set_password(password)
    _apply_platform_roles(user, is_system_admin=is_system_admin, is_support=is_support)
    full_clean(user)
    user.save()
    _sync_support_group(user, is_support)
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    acting_user: User,
    email: str | None = None,
    full_name: str | None = None,
    is_active: bool | None = None,
    is_system_admin: bool | None = None,
    is_support: bool | None = None,
    password: str = "",
) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if email is not None:
        user.email = _check_email_free(email, exclude_pk=user.pk)
    if full_name is not None:
        user.full_name = full_name.strip()
    if user.pk == acting_user.pk and is_active is False:
        raise ValidationError({"is_active": "You cannot deactivate yourself."})
    if user.pk == acting_user.pk and is_system_admin is False and user.is_superuser:
        raise ValidationError(
            {"is_system_admin": "You cannot remove your own system-administrator role."}
        )
    if is_active is not None:
        user.is_active = is_active
    if password:
        _validate_password(password, user)
        user.set_password(password)
    support = (
        is_support if is_support is not None else user.groups.filter(name=SUPPORT_GROUP).exists()
    )
    admin = is_system_admin if is_system_admin is not None else user.is_superuser
    _apply_platform_roles(user, is_system_admin=admin, is_support=support)
    full_clean(user)
    user.save()
    _sync_support_group(user, support)
    return user


def _apply_platform_roles(user: User, *, is_system_admin: bool, is_support: bool) -> None:
    user.is_superuser = is_system_admin
    user.is_staff = is_system_admin or is_support


def _sync_support_group(user: User, is_support: bool) -> None:
    group = support_group()
    in_group = user.groups.filter(pk=group.pk).exists()
    if is_support and not in_group:
        user.groups.add(group)
    elif not is_support and in_group:
        user.groups.remove(group)
