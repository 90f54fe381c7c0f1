"""The password rules that are ours: a maximum length, checked before anything hashes or
compares a password, wherever one is set or typed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

PASSWORD_MAX_LENGTH = 128


def too_long_message(length: int) -> str:
    return f"Passwords are at most {PASSWORD_MAX_LENGTH} characters; this one has {length}."


def check_length(password: str) -> None:
    if len(password) > PASSWORD_MAX_LENGTH:
        raise ValidationError(too_long_message(len(password)), code="password_too_long")


class MaximumLengthValidator:
    """For AUTH_PASSWORD_VALIDATORS, so Django's own password forms apply the rule too."""

    def validate(self, password: str, user=None) -> None:
        check_length(password)

    def get_help_text(self) -> str:
        return f"Your password can be at most {PASSWORD_MAX_LENGTH} characters."


class PasswordField(forms.CharField):
    """A password input bounded before it is validated, hashed or compared."""

    widget = forms.PasswordInput

    def __init__(self, **kwargs):
        kwargs.setdefault("strip", False)
        kwargs.setdefault("max_length", PASSWORD_MAX_LENGTH)
        super().__init__(**kwargs)
        self.widget.attrs.pop("maxlength", None)  # let the server give the message

    def validate(self, value):
        # Before max_length's generic text, in our words.
        if value and len(value) > PASSWORD_MAX_LENGTH:
            raise ValidationError(too_long_message(len(value)), code="password_too_long")
        super().validate(value)


def bound_password_fields(form: forms.Form, *names: str) -> None:
    """Gives the password fields of one of Django's own forms the same bound."""
    for name in names:
        old = form.fields[name]
        field = PasswordField(label=old.label, help_text=old.help_text, required=old.required)
        field.widget.attrs.update({k: v for k, v in old.widget.attrs.items() if k != "maxlength"})
        form.fields[name] = field
