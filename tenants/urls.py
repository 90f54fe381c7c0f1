from django.urls import path

from tenants.views import audit, invitations, members, tenants, tokens, users

platform_urlpatterns = [
    path("tenants/", tenants.TenantListView.as_view(), name="tenant_list"),
    path("tenants/new/", tenants.TenantCreateView.as_view(), name="tenant_create"),
    path("tenants/<slug:slug>/", tenants.TenantDetailView.as_view(), name="tenant_detail"),
    path("tenants/<slug:slug>/edit/", tenants.TenantEditView.as_view(), name="tenant_edit"),
    path(
        "tenants/<slug:slug>/suspend/", tenants.TenantSuspendView.as_view(), name="tenant_suspend"
    ),
    path(
        "tenants/<slug:slug>/reactivate/",
        tenants.TenantReactivateView.as_view(),
        name="tenant_reactivate",
    ),
    path(
        "tenants/<slug:slug>/members/new/",
        tenants.TenantMemberAddView.as_view(),
        name="tenant_member_add",
    ),
    path("users/", users.UserListView.as_view(), name="user_list"),
    path("users/new/", users.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", users.UserDetailView.as_view(), name="user_detail"),
    path(
        "users/<int:pk>/memberships/",
        users.UserMembershipAddView.as_view(),
        name="user_membership_add",
    ),
    path(
        "memberships/<int:pk>/remove/",
        users.PlatformMembershipRemoveView.as_view(),
        name="membership_remove",
    ),
    path("tokens/", tokens.PlatformTokenListView.as_view(), name="token_list"),
    path("tokens/<int:pk>/revoke/", tokens.PlatformTokenRevokeView.as_view(), name="token_revoke"),
]

tenant_urlpatterns = [
    path("users/", members.MemberListView.as_view(), name="member_list"),
    path("users/new/", invitations.InvitationCreateView.as_view(), name="member_add"),
    path(
        "users/invitations/",
        invitations.InvitationListView.as_view(),
        name="invitation_list",
    ),
    path(
        "users/invitations/<int:pk>/resend/",
        invitations.InvitationResendView.as_view(),
        name="invitation_resend",
    ),
    path(
        "users/invitations/<int:pk>/revoke/",
        invitations.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path("users/<int:pk>/edit/", members.MemberEditView.as_view(), name="member_edit"),
    path("users/<int:pk>/remove/", members.MemberRemoveView.as_view(), name="member_remove"),
    path("tokens/", tokens.TenantTokenListView.as_view(), name="token_list"),
    path("tokens/<int:pk>/revoke/", tokens.TenantTokenRevokeView.as_view(), name="token_revoke"),
    path("audit/", audit.TenantAuditListView.as_view(), name="audit_list"),
    path("audit/<int:pk>/", audit.TenantAuditDetailView.as_view(), name="audit_detail"),
]

# The invited person's side, under /invitations/.
invitation_urlpatterns = [
    path("", invitations.my_invitations, name="my_invitations"),
    path(
        "<int:pk>/accept/",
        invitations.MyInvitationAnswerView.as_view(answer="accept"),
        name="my_invitation_accept",
    ),
    path(
        "<int:pk>/decline/",
        invitations.MyInvitationAnswerView.as_view(answer="decline"),
        name="my_invitation_decline",
    ),
    path(
        "<str:token>/",
        invitations.InvitationRespondView.as_view(),
        name="invitation_respond",
    ),
]
