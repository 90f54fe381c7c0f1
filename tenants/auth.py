"""Logging in: the e-mail is normalised once, the same way for the login, the lockout
(django-axes) and account creation, so a change of case is the same account and the same
lockout."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .models import normalize_email
from .passwords import bound_password_fields


def axes_username(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: the lockout counts failures per normalised e-mail."""
    if credentials:
        value = credentials.get("username")
    else:
        value = getattr(request, "data", request.POST).get("username")
    return normalize_email(value) if isinstance(value, str) else value


class NormalisedLoginMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_password_fields(self, "password")

    def clean_username(self) -> str:
        return normalize_email(self.cleaned_data["username"])


class LoginForm(NormalisedLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(NormalisedLoginMixin, AdminAuthenticationForm):
    pass


def flag_invitations_for_review(sender, request, user, **kwargs) -> None:
    """user_logged_in: the start page shows pending invitations first, once per login."""
    if request is not None and hasattr(request, "session"):
        request.session["review_invitations"] = True
