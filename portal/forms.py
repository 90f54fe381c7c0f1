"""Form helpers shared by every app."""

from django import forms


class BootstrapFormMixin:
    """Gives every widget Bootstrap's classes and marks fields with errors invalid, so templates
    render forms with one include (templates/includes/form_fields.html).

    `marked_required` names fields that a rule across fields requires (a caller ID unless
    passthrough is on): not required by the form, checked by the service, yet shown with the
    asterisk of required fields."""

    marked_required: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.marked_required:
            if name in self.fields:
                self.fields[name].marked_required = True
                self.fields[name].widget.attrs["aria-required"] = "true"
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)
            ):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        """Every error, found by the form or raised by a service, marks its field invalid."""
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


class Form(BootstrapFormMixin, forms.Form):
    pass


class ModelForm(BootstrapFormMixin, forms.ModelForm):
    pass


class FilterFormMixin(BootstrapFormMixin):
    """The compact style of filter bars above lists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = field.widget.attrs["class"]
            field.widget.attrs["class"] = css + (
                " form-control-sm" if "form-control" in css else " form-select-sm"
            )
