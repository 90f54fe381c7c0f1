"""The settings of each kind of channel other than Wavix, as a form section: one module per
kind, registered here by kind (`kind_form`). The channel form adds the section's fields to
its own (`channel_form_for`); the provider checks the values (`Provider.clean_settings`).

A kind's form declares its fields, names which are secrets (kept encrypted, never shown
again: blank on an edit keeps the stored one) and may give `initial_from(channel)`.
"""

from __future__ import annotations

from django import forms

from portal.forms import Form

from ...providers import provider_class

_forms: dict[str, type[KindForm]] = {}


class KindForm(Form):
    """A kind's own settings. Subclasses declare fields; `kind` names the channel kind. Used
    only mixed into the channel form (`channel_form_for`), which calls `prepare_secrets`."""

    kind: str = ""

    def prepare_secrets(self, *, editing: bool) -> None:
        for name in self.secret_names():
            field = self.fields.get(name)
            if field is None:
                continue
            # Styled as the input it replaces (the base form has given it its class).
            attrs = {"autocomplete": "off", "class": field.widget.attrs.get("class", "")}
            field.widget = forms.PasswordInput(render_value=False, attrs=attrs)
            if editing:
                field.required = False
                field.help_text = (
                    f"{field.help_text} Stored encrypted and never shown again: leave blank "
                    "to keep the current one."
                ).strip()

    @classmethod
    def secret_names(cls) -> tuple[str, ...]:
        return provider_class(cls.kind).secret_names

    # Set on the channel form a kind's form is mixed into: the kind's own field names.
    kind_fields: tuple[str, ...] = ()

    @classmethod
    def kind_field_names(cls) -> list[str]:
        """The kind's own fields (not the channel form's it is mixed into)."""
        return list(cls.kind_fields or cls.base_fields)

    @classmethod
    def initial_from(cls, channel) -> dict:
        """The form's values for an existing channel (its config; never its secrets)."""
        config = channel.config or {}
        return {n: config[n] for n in cls.kind_field_names() if n in config}

    def kind_settings(self) -> tuple[dict, dict]:
        """(config, credentials) from the cleaned values."""
        secrets = set(self.secret_names())
        names = self.kind_field_names()
        config = {n: self.cleaned_data.get(n) for n in names if n not in secrets}
        credentials = {n: self.cleaned_data.get(n) or "" for n in names if n in secrets}
        return config, credentials


def kind_form(cls: type[KindForm]) -> type[KindForm]:
    """Registers a kind's settings form."""
    _forms[cls.kind] = cls
    return cls


def kind_form_class(kind: str) -> type[KindForm] | None:
    _load()
    return _forms.get(kind)


def _load() -> None:
    # The kinds' modules register themselves when imported; listed once, here.
    from . import apidaze, didww, gateway  # noqa: F401
