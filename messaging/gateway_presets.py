"""Known HTTP SMS gateways' settings, to fill a gateway channel's form (no Django here): the
send request, the custom header's shape (a placeholder in <…> the user replaces), what marks a
send accepted, where the message id is, the balance request, and the delivery reports' field
names. After filling, every value stays editable."""

from __future__ import annotations

PRESETS: dict[str, dict] = {
    "bulksms": {
        "label": "BulkSMS",
        "url": "https://api.bulksms.com/v1/messages",
        "method": "POST",
        "content_type": "json",
        "payload": '{"from": "%FROM%", "to": "%TO%", "body": "%MESSAGE%"}',
        "headers": "Authorization: Basic <base64 of token id:token secret>",
        # BulkSMS answers 201 with the list of messages it took: any 2xx is a success.
        "success_text": "",
        "id_path": "[0].id",
        "balance_url": "https://api.bulksms.com/v1/profile",
        "balance_field": "credits.balance",
        "balance_method": "GET",
        # BulkSMS posts a list of messages, each status an object: {"type": "DELIVERED"}.
        "dlr_id_field": "id",
        "dlr_status_field": "status.type",
        "inbound_from_field": "from",
        "inbound_to_field": "to",
        "inbound_text_field": "body",
        "inbound_id_field": "id",
    },
    "clickatell": {
        "label": "Clickatell",
        "url": "https://platform.clickatell.com/v1/message",
        "method": "POST",
        "content_type": "json",
        "payload": '{"messages": [{"channel": "sms", "to": "%TO%", "content": "%MESSAGE%"}]}',
        "headers": "Authorization: <API key>",
        "success_text": '"accepted":true',
        "id_path": "messages[0].apiMessageId",
        "balance_url": "https://platform.clickatell.com/public-client/balance",
        "balance_field": "balance",
        "balance_method": "GET",
        "dlr_id_field": "messageId",
        "dlr_status_field": "status",
        "inbound_from_field": "fromNumber",
        "inbound_to_field": "toNumber",
        "inbound_text_field": "text",
        "inbound_id_field": "messageId",
    },
    "burstsms": {
        "label": "BurstSMS",
        "url": "https://api.transmitsms.com/send-sms.json",
        "method": "POST",
        "content_type": "form",
        "payload": "to=%TO%&from=%FROM%&message=%MESSAGE%",
        "headers": "Authorization: Basic <base64 of API key:API secret>",
        "success_text": '"code":"SUCCESS"',
        "id_path": "message_id",
        "balance_url": "https://api.transmitsms.com/get-balance.json",
        "balance_field": "balance",
        "balance_method": "GET",
        "dlr_id_field": "message_id",
        "dlr_status_field": "status",
        # Replies forwarded as form fields, with no id of their own: one is derived.
        "inbound_from_field": "mobile",
        "inbound_to_field": "longcode",
        "inbound_text_field": "response",
        "inbound_id_field": "message_id",
    },
}


def preset(name: str, *, base_url: str = "") -> dict | None:
    """The preset's settings (no label); with `base_url`, its addresses moved onto it (the
    gateway's fake under /gateway-sandbox/<name>/ keeps each gateway's paths)."""
    found = PRESETS.get(name)
    if found is None:
        return None
    values = {k: v for k, v in found.items() if k != "label"}
    if base_url:
        for key in ("url", "balance_url"):
            path = values[key].split("://", 1)[1].split("/", 1)[1]
            values[key] = f"{base_url.rstrip('/')}/{name}/{path}"
    return values


def choices() -> list[tuple[str, str]]:
    return [(name, p["label"]) for name, p in PRESETS.items()]
