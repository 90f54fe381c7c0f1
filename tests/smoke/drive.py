"""The main flows, driven against a portal started by `bin/run` on its zero-set-up defaults
(SQLite, the SQLite-file broker, a real worker, the sandbox served by the real web server).

Run by tests/smoke/test_zero_setup.py in that portal's environment, as a process of its own:
each flow is started through the service a page would call, then waited for as the page
would (reading its status), and one JSON line per flow is printed: its name, the status it
reached and the seconds it took.
"""

from __future__ import annotations

import json
import os
import sys
import time

import django

TIMEOUT = float(os.environ.get("SMOKE_FLOW_TIMEOUT", "30"))
DONE = {"succeeded", "failed", "in_sync"}
MAIN_ST = {
    "name": "Head office",
    "street_number": "100",
    "street": "Main St",
    "location": "",
    "city": "Springfield",
    "state": "IL",
    "zip_code": "62701",
}


def report(flow: str, status: str, started: float, error: str = "") -> None:
    seconds = round(time.monotonic() - started, 2)
    print(
        json.dumps({"flow": flow, "status": status, "seconds": seconds, "error": error}), flush=True
    )


def wait(read, started: float) -> str:
    """Polls `read()` (a status) until it is final or the flow's time is up."""
    status = read()
    while status not in DONE and time.monotonic() - started < TIMEOUT:
        time.sleep(0.2)
        status = read()
    return status


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()

    from django_scopes import scope, scopes_disabled

    from dids import selectors, services
    from dids.models import Did, E911Address, E911Job, NumberOrder, SyncRun
    from dids.services import e911 as e911_services
    from messaging.models import FINAL_STATUSES, Message, SenderId
    from messaging.services.sending import message_send
    from portal.models import WavixAccount
    from portal.wavix.client import WavixClient
    from tenants.models import Tenant
    from trunks import services as trunk_services
    from trunks.models import SipTrunk

    def status_of(model, pk, field="status"):
        with scopes_disabled():
            return model._base_manager.filter(pk=pk).values_list(field, flat=True).first()

    account = WavixAccount.objects.get(is_default=True)
    acme = Tenant.objects.get(slug="acme")
    state: dict = {}

    def sync():
        run = services.sync_start(account=account, trigger="manual")
        return wait(lambda: status_of(SyncRun, run.pk), state["started"]), ""

    def buy():
        client = WavixClient.for_account(account)
        country = next(c for c in client.list_countries() if not c["has_provinces_or_states"])
        city = client.list_cities(country["id"])[0]
        for_sale = client.list_numbers_for_sale(country["id"], city["id"]).items[0]
        order = services.order_buy(account=account, numbers=[str(for_sale["number"])])
        status = wait(lambda: status_of(NumberOrder, order.pk), state["started"])
        return status, status_of(NumberOrder, order.pk, "error")

    def e911_set():
        with scope(tenant=acme):
            taken = list(E911Address.objects.values_list("number", flat=True))
            state["number"] = number = (
                selectors.e911_missing(acme).exclude(number__in=taken).first().number
            )
            outcome = e911_services.e911_validate(tenant=acme, numbers=[number], data=MAIN_ST)
            job = e911_services.e911_set(tenant=acme, numbers=[number], token=outcome.token)
        status = wait(lambda: status_of(E911Job, job.pk), state["started"])
        return status, status_of(E911Job, job.pk, "error")

    def e911_delete():
        with scope(tenant=acme):
            job = e911_services.e911_remove(tenant=acme, numbers=[state["number"]])
        status = wait(lambda: status_of(E911Job, job.pk), state["started"])
        return status, status_of(E911Job, job.pk, "error")

    def trunk(changes: dict):
        numbers = Did.objects.filter(account=account, status="active").order_by("number")
        data = {
            "label": "Smoke PBX",
            "auth_method": "digest",
            "password": "Sm0ke-Test-Passw0rd",
            "callerid": str(numbers.values_list("number", flat=True).last()),
            "didinfo_enabled": True,
            "call_limit": 3600,
            "max_channels": 10,
            "transcription_threshold": 6,
            **changes,
        }
        existing = SipTrunk.objects.filter(label="Smoke PBX").first()
        saved = trunk_services.trunk_save(account=account, trunk=existing, data=data)
        status = wait(lambda: status_of(SipTrunk, saved.pk, "sync_state"), state["started"])
        return status, status_of(SipTrunk, saved.pk, "sync_error")

    def message():
        """Sent through the outbox (the worker, at the channel's rate), then delivered: the
        sandbox posts its reports to the portal's webhook, which records them."""
        with scope(tenant=acme):
            sender = SenderId.objects.filter(kind="numeric").first()
            sent = message_send(
                tenant=acme,
                sender_id=sender,
                recipient="(212) 555-0142",
                text="Smoke test",
                source="ui",
            )

        def outcome():
            status = status_of(Message, sent.pk)
            if status == "delivered":
                return "succeeded"
            return "failed" if status in FINAL_STATUSES else status

        return wait(outcome, state["started"]), status_of(Message, sent.pk, "reason")

    def inbound():
        """An SMS arriving at one of Acme's numbers, as Wavix's operator delivers it (the
        sandbox's operator action): posted to the number's inbound address, which the portal
        pointed at its channel by itself (the relay job after the demo's sync), and stored by
        the worker as a received message of Acme."""
        import requests
        from django.conf import settings
        from django.urls import reverse

        from dids.models import NumberRange
        from messaging.models import Channel

        # The path only: bin/run gives the portal its base URL (its port), this process not.
        channel = Channel.objects.get(wavix_account=account)
        wanted = reverse("hooks:inbound", kwargs={"token": channel.inbound_token})
        with scopes_disabled():
            ranges = NumberRange.objects.filter(tenant=acme)
            pooled = Did.objects.filter(account=account, sms_enabled=True, status="active")
            number = pooled.in_ranges_of(ranges).order_by("number").first()

        def pointed():
            done = Did.objects.filter(pk=number.pk, sms_relay_url__endswith=wanted).exists()
            return "succeeded" if done else "pointing"

        if wait(pointed, state["started"]) != "succeeded":
            return "failed", f"+{number.number} was not pointed at {wanted}"
        text = f"Smoke inbound {time.time():.3f}"
        answer = requests.post(
            f"{account.base_url}/_operator/inbound",
            json={"to": str(number.number), "from": "+16468097065", "text": text},
            headers={"Authorization": f"Bearer {settings.WAVIX_SANDBOX_API_KEY}"},
            timeout=10,
        )
        if answer.status_code != 201:
            return "failed", f"the sandbox's operator answered {answer.status_code}"

        def arrived():
            with scopes_disabled():
                found = Message.objects.filter(
                    tenant=acme, direction="inbound", status="received", text=text
                ).exists()
            return "succeeded" if found else "waiting"

        return wait(arrived, state["started"]), ""

    flows = [
        ("inventory sync", sync),
        ("buy a number", buy),
        ("E911 set", e911_set),
        ("E911 delete", e911_delete),
        ("trunk create", lambda: trunk({})),
        ("trunk push", lambda: trunk({"max_channels": 12})),
        ("message and its delivery report", message),
        ("inbound message received", inbound),
    ]
    for name, flow in flows:
        state["started"] = time.monotonic()
        try:
            status, error = flow()
        except Exception as exc:  # reported as the flow's outcome; the next flows still run
            status, error = "error", f"{type(exc).__name__}: {exc}"
        report(name, status, state["started"], error=error)


if __name__ == "__main__":
    sys.exit(main())
