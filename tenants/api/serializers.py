from rest_framework import serializers

from tenants.models import ApiToken, Invitation, Membership, Role, Tenant, User
from tenants.passwords import PASSWORD_MAX_LENGTH


def _password(**kwargs) -> serializers.CharField:
    """A write-only password, bounded before it is hashed or checked."""
    return serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        max_length=PASSWORD_MAX_LENGTH,
        error_messages={"max_length": f"Passwords are at most {PASSWORD_MAX_LENGTH} characters."},
        style={"input_type": "password"},
        **kwargs,
    )


class TenantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tenant
        fields = [
            "id",
            "name",
            "slug",
            "status",
            "contact_email",
            "notes",
            "suspended_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "suspended_reason", "created_at", "updated_at"]
        # Uniqueness is checked by the service's full_clean(), so the message is the same.
        extra_kwargs = {"name": {"validators": []}, "slug": {"validators": []}}


class TenantSuspendSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


class UserSerializer(serializers.ModelSerializer):
    is_system_admin = serializers.BooleanField(source="is_superuser", required=False)
    is_support = serializers.SerializerMethodField()
    password = _password(required=False)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "is_active",
            "is_system_admin",
            "is_support",
            "password",
            "date_joined",
            "last_login",
        ]
        read_only_fields = ["date_joined", "last_login"]
        extra_kwargs = {"email": {"validators": []}}

    def get_is_support(self, user) -> bool:
        return any(g.name == "Support" for g in user.groups.all())


class UserWriteSerializer(UserSerializer):
    is_support = serializers.BooleanField(required=False)


class UserCreateSerializer(UserWriteSerializer):
    password = _password()


class MemberUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "is_active"]


class MembershipSerializer(serializers.ModelSerializer):
    user = MemberUserSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]
        read_only_fields = ["created_at"]


class MembershipCreateSerializer(serializers.Serializer):
    """System administrators add an existing user or create one; tenant admins invite people
    instead (`invitations/`), which never tells whether an address has an account."""

    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    password = _password(required=False)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.AGENT)


class MembershipUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class ApiTokenSerializer(serializers.ModelSerializer):
    tenant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "tenant",
            "allowed_ips",
            "expires_at",
            "last_used_at",
            "last_used_ip",
            "revoked_at",
            "created_at",
            "status",
        ]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer):
    """The same fields whether the address has an account or not: nothing here tells."""

    state = serializers.ChoiceField(choices=Invitation.State.choices, read_only=True)
    invited_by = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "state",
            "mail_status",
            "invited_by",
            "created_at",
            "expires_at",
            "sent_at",
            "accepted_at",
            "declined_at",
            "revoked_at",
        ]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.AGENT)
