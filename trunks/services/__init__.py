"""The trunks' writes. `trunks` (create, edit, delete, settle a drift) and `sharing` (shares
with tenants, their caller IDs and routing) are what views and the API call, re-exported
here; `sync` (pushes and reconciles with Wavix) and `cdrs` (the pull of call records) run
in tasks."""

from .sharing import (
    assignment_delete,
    assignment_route,
    assignment_save,
    assignment_set_caller_ids,
    pool_name,
)
from .sync import reconcile_request
from .trunks import (
    clean_settings,
    trunk_accept_wavix,
    trunk_delete,
    trunk_import,
    trunk_repush,
    trunk_retry,
    trunk_save,
)

__all__ = [
    "assignment_delete",
    "assignment_route",
    "assignment_save",
    "assignment_set_caller_ids",
    "clean_settings",
    "pool_name",
    "reconcile_request",
    "trunk_accept_wavix",
    "trunk_delete",
    "trunk_import",
    "trunk_repush",
    "trunk_retry",
    "trunk_save",
]
