from django import forms

from portal.forms import Form, ModelForm
from tenants.models import Role, Tenant


class TenantForm(ModelForm):
    class Meta:
        model = Tenant
        fields = ["name", "slug", "contact_email", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class UserCreateForm(Form):
    email = forms.EmailField()
    full_name = forms.CharField(max_length=150, required=False)
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        help_text="At least 10 characters, not a common password.",
    )
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
    password = forms.CharField(
        widget=forms.PasswordInput,
        required=False,
        label="New password",
        help_text="Leave empty to keep the password.",
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
    """Adds a person to a tenant. Tenant admins create new agents only."""

    email = forms.EmailField()
    full_name = forms.CharField(max_length=150, required=False)
    password = forms.CharField(
        widget=forms.PasswordInput,
        required=False,
        label="Initial password",
        help_text="Required for a new user; at least 10 characters.",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.AGENT)

    def __init__(self, *args, can_choose_role: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_choose_role:
            self.fields["role"].choices = [(Role.AGENT, Role.AGENT.label)]


class MemberEditForm(Form):
    full_name = forms.CharField(max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices)


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
