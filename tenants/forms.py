from functools import lru_cache

import phonenumbers
from django import forms
from django.contrib.auth import forms as auth_forms

from portal import phone
from portal.forms import BootstrapFormMixin, Form, ModelForm
from tenants.models import Role, Tenant
from tenants.passwords import PASSWORD_MAX_LENGTH, PasswordField, bound_password_fields


@lru_cache(maxsize=1)
def country_choices() -> list[tuple[str, str]]:
    """Every country libphonenumber knows, by name: where a national number can be read."""
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    return sorted(((r, f"{phone.region_name(r)} ({r})") for r in regions), key=lambda c: c[1])


PASSWORD_HELP = f"10 to {PASSWORD_MAX_LENGTH} characters, not a common password."


class TenantForm(ModelForm):
    class Meta:
        model = Tenant
        fields = ["name", "slug", "contact_email", "default_country", "uploads_documents", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_country"] = forms.ChoiceField(
            label="Default country",
            choices=country_choices(),
            initial="US",
            required=False,
            help_text=Tenant._meta.get_field("default_country").help_text,
        )
        self.fields["default_country"].widget.attrs["class"] = "form-select"
        if self.instance.pk is None:
            # A new tenant's slug follows its name as it is typed (static/js/slug-from.js); an
            # existing one keeps its slug, which is in every address of the tenant.
            self.fields["slug"].widget.attrs["data-slug-from"] = "#" + self["name"].auto_id

    def clean_default_country(self):
        # Not chosen (an older client of the form): the tenant keeps its country.
        return self.cleaned_data.get("default_country") or self.instance.default_country or "US"


class UserCreateForm(Form):
    email = forms.EmailField()
    full_name = forms.CharField(max_length=150, required=False)
    password = PasswordField(help_text=PASSWORD_HELP)
    is_system_admin = forms.BooleanField(
        required=False,
        label="System administrator",
        help_text="Full access to every tenant and setting.",
    )
    is_support = forms.BooleanField(
        required=False,
        label="Support staff",
        help_text="Read access to the Django admin (/admin/).",
    )


class UserEditForm(Form):
    email = forms.EmailField()
    full_name = forms.CharField(max_length=150, required=False)
    is_active = forms.BooleanField(
        required=False, label="Active", help_text="Inactive users cannot log in or use API tokens."
    )
    is_system_admin = forms.BooleanField(required=False, label="System administrator")
    is_support = forms.BooleanField(required=False, label="Support staff")
    password = PasswordField(
        required=False,
        label="New password",
        help_text=f"Leave empty to keep the password. {PASSWORD_HELP}",
    )


class MembershipAddForm(Form):
    tenant = forms.ModelChoiceField(
        queryset=Tenant.objects.order_by("name"),
        error_messages={
            "required": "Choose a tenant.",
            "invalid_choice": "That tenant does not exist (any more); choose one from the list.",
        },
    )
    role = forms.ChoiceField(choices=Role.choices)


class MemberAddForm(Form):
    """A system administrator adds a person to a tenant (tenant admins invite instead)."""

    email = forms.EmailField()
    full_name = forms.CharField(max_length=150, required=False)
    password = PasswordField(
        required=False,
        label="Initial password",
        help_text=f"Required for a new user. {PASSWORD_HELP}",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.AGENT)

    def __init__(self, *args, can_choose_role: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_choose_role:
            self.fields["role"].choices = [(Role.AGENT, Role.AGENT.label)]


class MemberEditForm(Form):
    """A tenant admin changes a member's role in their tenant; the person's name, e-mail and
    password are theirs (their profile) or a system administrator's to change."""

    role = forms.ChoiceField(choices=Role.choices)


class ProfileForm(Form):
    full_name = forms.CharField(max_length=150, required=False, label="Name")


class PasswordChangeForm(BootstrapFormMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_password_fields(self, "old_password", "new_password1", "new_password2")
        self.fields["new_password1"].help_text = PASSWORD_HELP


class ApiTokenForm(Form):
    name = forms.CharField(max_length=100, help_text="What uses this token, e.g. “CRM sync”.")
    allowed_ips = forms.CharField(
        required=False,
        label="Allowed IP addresses",
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "203.0.113.7\n198.51.100.0/24"}),
        help_text="One address or network per line; empty allows any address.",
    )
    expires_at = forms.DateField(
        required=False,
        label="Expires on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty means the longest allowed lifetime.",
    )

    def allowed_ip_list(self) -> list[str]:
        text = self.cleaned_data.get("allowed_ips", "")
        return [line for line in text.replace(",", "\n").splitlines() if line.strip()]


class InvitationForm(Form):
    """Invites a person by e-mail; the answer is the same whether they have an account."""

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="They get a link to join: a new person chooses a password, someone with an "
        "account accepts after logging in.",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.AGENT)

    def __init__(self, *args, can_choose_role: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_choose_role:
            self.fields["role"].choices = [(Role.AGENT, Role.AGENT.label)]


class InvitationAcceptForm(Form):
    """A new person's account, made from an invitation link."""

    full_name = forms.CharField(max_length=150, required=False, label="Your name")
    password = PasswordField(label="Choose a password", help_text=PASSWORD_HELP)
    password_again = PasswordField(label="The same password again")

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") not in (None, data["password"]):
            self.add_error("password_again", "The two passwords differ; type the same one twice.")
        return data
