"""Writes of the tenants app, one module per feature: `tenants`, `users`, `members`
(memberships and roles), `tokens` (API tokens) and `invitations` (how people join a tenant).
Each validates with full_clean() inside one transaction; the audit log records the change
through the model signals. Errors name the field, the value and the rule.

The tenant, user, membership and token services are re-exported here, as
`tenants.services.<name>`; invitations are `tenants.services.invitations`.
"""

from .members import check_can_manage, member_add, membership_remove, membership_set
from .tenants import tenant_create, tenant_reactivate, tenant_suspend, tenant_update
from .tokens import api_token_create, api_token_revoke, api_token_touch, api_tokens_revoke_expired
from .users import user_create, user_update

__all__ = [
    "api_token_create",
    "api_token_revoke",
    "api_token_touch",
    "api_tokens_revoke_expired",
    "check_can_manage",
    "member_add",
    "membership_remove",
    "membership_set",
    "tenant_create",
    "tenant_reactivate",
    "tenant_suspend",
    "tenant_update",
    "user_create",
    "user_update",
]
