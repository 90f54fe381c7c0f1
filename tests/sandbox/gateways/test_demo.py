"""The demo's gateway channel: made once (seeding again changes nothing), on the BulkSMS fake
with the ten demo numbers, its balance just above the minimum, so lowering the fake's balance
raises the alert; a test send from it reaches Delivered."""

import io
from decimal import Decimal

from django_scopes import scopes_disabled

from messaging.hooks import dlr_url
from messaging.models import Channel, Message
from messaging.providers.http import session_for
from messaging.services.balance import balance_check
from messaging.services.channels import channel_numbers, channel_test_send
from sandbox.gateways.demo import seed_demo_gateway
from sandbox.gateways.services import account_of, account_set
from sandbox.gateways.transport import GatewayTransport

BASE = "http://gateway-sandbox.test"


def test_the_demo_gateway_is_seeded_once_and_its_balance_can_be_lowered_to_alert(
    db, portal_callbacks, run_tasks
):
    out = io.StringIO()
    channel = seed_demo_gateway(BASE, out)
    assert seed_demo_gateway(BASE, out).pk == channel.pk
    assert Channel.objects.filter(kind="gateway").count() == 1
    assert "BulkSMS" in out.getvalue()
    numbers = list(channel_numbers(channel).values_list("number", flat=True))
    assert numbers == list(range(13325550300, 13325550310))
    assert account_of("bulksms").dlr_url.startswith(f"{BASE}/hooks/dlr/")

    session_for(channel).mount(f"{BASE}/", GatewayTransport())
    assert balance_check(channel=channel).alerting is False
    account_set(gateway="bulksms", balance=Decimal("15"))
    assert balance_check(channel=channel).alerting is True

    account_set(gateway="bulksms", dlr_url=dlr_url(channel))
    message = run_tasks(
        channel_test_send,
        channel=channel,
        sender="13325550301",
        recipient="+1 312 555 0100",
        text="Demo",
    )
    with scopes_disabled():
        assert Message._base_manager.get(pk=message.pk).status == "delivered"
