from django.urls import path

from tenants import invitation_views, views

platform_urlpatterns = [
    path("tenants/", views.TenantListView.as_view(), name="tenant_list"),
    path("tenants/new/", views.TenantCreateView.as_view(), name="tenant_create"),
    path("tenants/<slug:slug>/", views.TenantDetailView.as_view(), name="tenant_detail"),
    path("tenants/<slug:slug>/edit/", views.TenantEditView.as_view(), name="tenant_edit"),
    path("tenants/<slug:slug>/suspend/", views.TenantSuspendView.as_view(), name="tenant_suspend"),
    path(
        "tenants/<slug:slug>/reactivate/",
        views.TenantReactivateView.as_view(),
        name="tenant_reactivate",
    ),
    path(
        "tenants/<slug:slug>/members/new/",
        views.TenantMemberAddView.as_view(),
        name="tenant_member_add",
    ),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path(
        "users/<int:pk>/memberships/",
        views.UserMembershipAddView.as_view(),
        name="user_membership_add",
    ),
    path(
        "memberships/<int:pk>/remove/",
        views.PlatformMembershipRemoveView.as_view(),
        name="membership_remove",
    ),
    path("tokens/", views.PlatformTokenListView.as_view(), name="token_list"),
    path("tokens/<int:pk>/revoke/", views.PlatformTokenRevokeView.as_view(), name="token_revoke"),
]

tenant_urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("users/", views.MemberListView.as_view(), name="member_list"),
    path("users/new/", invitation_views.InvitationCreateView.as_view(), name="member_add"),
    path(
        "users/invitations/",
        invitation_views.InvitationListView.as_view(),
        name="invitation_list",
    ),
    path(
        "users/invitations/<int:pk>/resend/",
        invitation_views.InvitationResendView.as_view(),
        name="invitation_resend",
    ),
    path(
        "users/invitations/<int:pk>/revoke/",
        invitation_views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path("users/<int:pk>/edit/", views.MemberEditView.as_view(), name="member_edit"),
    path("users/<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member_remove"),
    path("tokens/", views.TenantTokenListView.as_view(), name="token_list"),
    path("tokens/<int:pk>/revoke/", views.TenantTokenRevokeView.as_view(), name="token_revoke"),
]

# The invited person's side, under /invitations/.
invitation_urlpatterns = [
    path("", invitation_views.my_invitations, name="my_invitations"),
    path(
        "<int:pk>/accept/",
        invitation_views.MyInvitationAnswerView.as_view(answer="accept"),
        name="my_invitation_accept",
    ),
    path(
        "<int:pk>/decline/",
        invitation_views.MyInvitationAnswerView.as_view(answer="decline"),
        name="my_invitation_decline",
    ),
    path(
        "<str:token>/",
        invitation_views.InvitationRespondView.as_view(),
        name="invitation_respond",
    ),
]
