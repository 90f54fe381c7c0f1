"""Demo intake: each demo tenant's own wording of the keyword replies (Acme's HELP names its
support line), and — once the first sync has pointed the pooled SMS numbers at the channel
(`messaging.services.relay`, in the worker) — nothing else to set up: the sandbox's "Simulate
an inbound message" page delivers to them. Idempotent."""

from __future__ import annotations

from typing import TextIO

from django_scopes import scopes_disabled

from messaging.models import KeywordReplies
from messaging.services.keywords import keyword_replies_save
from tenants.models import Tenant

WORDING = {
    "acme": {
        "help_text": "Acme Telecom: for help call +1 312 555 0100 (Mon-Fri 9-17). "
        "Reply STOP to unsubscribe.",
    },
    "globex": {
        "stop_text": "Globex: you will get no more texts from this number. Reply START to "
        "come back.",
    },
}


def seed_demo_intake(stdout: TextIO) -> None:
    for slug, wording in WORDING.items():
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            continue
        with scopes_disabled():
            if KeywordReplies.objects.filter(tenant=tenant).exists():
                continue
        keyword_replies_save(tenant=tenant, **wording)
        stdout.write(f"keyword replies worded for {slug}")
