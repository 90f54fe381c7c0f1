"""What follows a message's status change, in one place: `message_advance` calls
`message_status_changed` after its commit. Open conversations redraw (their `changed_at`
moves), and the tenant's webhook endpoints get a delivery-status event."""

from __future__ import annotations

from .conversations import conversations_changed


def message_status_changed(*, message_id: int, conversation_id: int | None, status: str) -> None:
    conversations_changed(conversation_ids=[conversation_id])
    # --- tenant webhooks: the delivery-status event (part B) --------------------------------
    from .tenant_webhooks import status_event_publish

    status_event_publish(message_id=message_id)
