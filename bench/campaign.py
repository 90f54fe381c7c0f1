"""Voice campaign benchmark: a campaign over a 1,000-contact CSV, uploaded through the page and
dialled by a real Celery worker against the Wavix sandbox over real HTTP.

The sandbox is served by a WSGI server on a loopback port in this process (as bench/sync.py
does); the worker (`--pool=solo`, one process, bench/_campaign_worker.py: Celery's worker with
a counter of its database queries per task run) runs the dispatcher on the run's Redis broker
and database. Prints:

(a) the upload's database queries and time, for 10 contacts and for 1,000 (the same count:
    the contacts are one bulk insert, never a query per contact);
(b) the dispatch at the set rate (BENCH_RATE calls a minute, 600 by default: above the form's
    60, set on the row as tests/trunks/campaign_helpers.fast does): the calls a minute
    achieved from the first call placed to the last, the time until every contact is final,
    the dispatcher's database queries per contact and per tick, contacts called twice (by the
    sandbox's own record of the calls placed), contacts left in a non-final state.

Runs in a throwaway test database on PostgreSQL: bin/bench bench/campaign.py
    BENCH_CONTACTS=200 bin/bench bench/campaign.py   # quick
"""

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _messaging import database_url, purge_broker, serve, stop  # noqa: E402
from _pages import plain_static_files  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max, Min  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402

from dids.models import Did  # noqa: E402
from dids.services import pool_save, sync_start  # noqa: E402
from messaging import rate  # noqa: E402
from messaging.models import OptOut  # noqa: E402
from portal.celery import app  # noqa: E402
from portal.services import wavix_account_save  # noqa: E402
from portal.wavix.client import close_sessions  # noqa: E402
from sandbox.wavix.accounts import account_for_key  # noqa: E402
from sandbox.wavix.models import SandboxVoiceCampaign  # noqa: E402
from sandbox.wavix.seed import seed_account  # noqa: E402
from tenants import services as tenant_services  # noqa: E402
from tenants.models import User  # noqa: E402
from trunks.models import CampaignContact, VoiceCampaign  # noqa: E402
from trunks.services import campaigns, dialer  # noqa: E402

CONTACTS = int(os.environ.get("BENCH_CONTACTS", "1000"))
RATE = int(os.environ.get("BENCH_RATE", "600"))  # calls a minute
OPTED_OUT = 5  # of the list, on the tenant's opt-out list: skipped at upload
ROOT = Path(__file__).resolve().parents[1]
FINAL = (CampaignContact.Status.COMPLETED, CampaignContact.Status.FAILED)


def csv_of(count: int, start: int) -> SimpleUploadedFile:
    rows = ["number,name"] + [f"+{start + i},Contact {i}" for i in range(count)]
    return SimpleUploadedFile("contacts.csv", ("\n".join(rows) + "\n").encode(), "text/csv")


def setup():
    """The sandbox account with its numbers in the inventory, a tenant whose pool holds them, a
    call flow allowed to it, and its admin logged in."""
    base_url, server = serve()
    account = wavix_account_save(
        name="Sandbox",
        base_url=base_url,
        auth_mode="bearer",
        api_key=settings.WAVIX_SANDBOX_API_KEY,
        is_default=True,
    )
    seed_account(account=account_for_key(settings.WAVIX_SANDBOX_API_KEY), purchased=10)
    app.conf.task_always_eager = True  # the inventory sync, at once, in this process
    try:
        sync_start(account=account)
    finally:
        app.conf.task_always_eager = False
    active = sorted(
        Did.objects.filter(account=account, status="active").values_list("number", flat=True)
    )
    tenant = tenant_services.tenant_create(
        name="Bench", slug="bench", contact_email="bench@example.com"
    )
    pool_save(tenant=tenant, text=";".join(map(str, active[:3])), name="Campaigns")
    flow = campaigns.callflow_save(
        account=account, wavix_id=101, label="Appointment reminder", tenants=[tenant]
    )
    user = User.objects.create_user("admin@bench.example", "Bench-passw0rd-1")
    tenant_services.membership_set(tenant=tenant, user=user, role="admin")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return server, tenant, flow, active[0], client


def upload(client: Client, tenant, flow, caller: int, count: int, start: int):
    """POSTs the campaign form with a CSV of `count` contacts: (queries, seconds, campaign)."""
    url = reverse("tenant:campaign_create", args=[tenant.slug])
    data = {
        "name": f"{count} contacts",
        "flow": flow.pk,
        "caller_id": f"+{caller}",
        "rate": "60",
        "file": csv_of(count, start),
    }
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    seconds = time.perf_counter() - t0
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        campaign = VoiceCampaign.objects.latest("pk")
    return len(queries), seconds, campaign


def measure_uploads(client, tenant, flow, caller):
    with scope(tenant=tenant):
        for i in range(OPTED_OUT):
            OptOut.objects.create(tenant=tenant, recipient=str(14155560000 + i * 7))
    kick = dialer.CampaignRunner.enqueue
    dialer.CampaignRunner.enqueue = classmethod(lambda cls, *a, **k: None)  # dialled later
    try:
        client.get(reverse("tenant:campaign_create", args=[tenant.slug]))  # the first visit
        warm = upload(client, tenant, flow, caller, 10, 14155540000)  # first-use writes
        small = upload(client, tenant, flow, caller, 10, 14155550000)
        large = upload(client, tenant, flow, caller, CONTACTS, 14155560000)
    finally:
        dialer.CampaignRunner.enqueue = kick
    with scope(tenant=tenant):
        for done in (warm, small):  # their contacts are skipped, not dialled
            campaigns.campaign_cancel(campaign=done[2])
    print("(a) upload of a CSV through the campaign page (POST, the redirect not followed):")
    print(f"      10 contacts: {small[0]} queries, {small[1] * 1000:.0f} ms")
    print(f"   {CONTACTS:>5,} contacts: {large[0]} queries, {large[1] * 1000:.0f} ms")
    print(
        "      constant: "
        + ("yes" if small[0] == large[0] else f"NO ({large[0] - small[0]:+d} queries)")
    )
    return large[2]


def worker():
    import subprocess

    folder = Path(os.environ.get("PORTAL_VAR_DIR", "/tmp"))
    folder.mkdir(parents=True, exist_ok=True)
    counts = folder / "bench-campaign-queries.jsonl"
    counts.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "WAVIX_SANDBOX_ENABLED": "false",
        "BENCH_QUERY_LOG": str(counts),
    }
    log = open(folder / "bench-campaign-worker.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "_campaign_worker.py")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, counts


def dispatch(campaign: VoiceCampaign) -> None:
    VoiceCampaign._base_manager.filter(pk=campaign.pk).update(rate=RATE)
    rate.limiter().reset(dialer.limiter_key(campaign.pk), RATE / 60)
    contacts = CampaignContact._base_manager.filter(campaign_id=campaign.pk)
    to_call = contacts.filter(status=CampaignContact.Status.QUEUED).count()
    process, counts = worker()
    try:
        time.sleep(6)  # the worker starts (not measured)
        t0 = time.perf_counter()
        dialer.CampaignRunner.enqueue(campaign.pk)
        deadline = t0 + max(600, 3 * 60 * to_call / RATE)
        while time.perf_counter() < deadline:
            if not contacts.filter(status__in=("queued", "calling")).exists():
                break
            if process.poll() is not None:
                sys.exit("bench/campaign.py: the worker stopped (see bench-campaign-worker.log)")
            time.sleep(0.5)
        elapsed = time.perf_counter() - t0
    finally:
        stop(process)
    report(campaign, contacts, to_call, elapsed, counts)


def report(campaign, contacts, to_call: int, elapsed: float, counts: Path) -> None:
    placed = contacts.filter(placed_at__isnull=False)
    span = placed.aggregate(first=Min("placed_at"), last=Max("placed_at"))
    called = placed.count()
    seconds = (span["last"] - span["first"]).total_seconds() if called > 1 else 0.0
    achieved = (called - 1) / seconds * 60 if seconds else 0.0
    statuses = Counter(contacts.values_list("status", flat=True))
    left = statuses["queued"] + statuses["calling"]
    per_number = Counter(
        SandboxVoiceCampaign.objects.filter(callflow_id=101).values_list("contact", flat=True)
    )
    twice = sum(1 for n in per_number.values() if n > 1)
    runs = [json.loads(line) for line in counts.read_text().splitlines()] if counts.exists() else []
    ticks = [r for r in runs if r["task"] == "trunks.tasks.run_campaign"]
    queries = sum(r["queries"] for r in ticks)
    campaign.refresh_from_db()
    print(
        f"(b) dispatch by one real worker at {RATE} calls a minute, {to_call:,} contacts to call:"
    )
    print(
        f"      {called:,} calls placed in {seconds:.1f} s (first to last): "
        f"{achieved:.0f} calls a minute achieved, {achieved / RATE:.0%} of the set rate"
    )
    print(f"      every contact final after {elapsed:.1f} s (the enqueue to the last outcome)")
    print(
        "      contacts: "
        + ", ".join(f"{n:,} {s}" for s, n in sorted(statuses.items()))
        + f"; {left} not final; campaign {campaign.status} ({campaign.note})"
    )
    print(f"      contacts called twice: {twice} (the sandbox's calls per number)")
    if ticks:
        longest = max(r["seconds"] for r in ticks)
        print(
            f"      dispatcher: {len(ticks)} ticks, {queries:,} queries = "
            f"{queries / max(called, 1):.2f} per contact called, "
            f"{queries / len(ticks):.0f} per tick; longest tick {longest:.1f} s"
        )


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/campaign.py needs PostgreSQL (DATABASE_URL); bin/bench starts one.")
    old = setup_databases(verbosity=0, interactive=False)
    server = None
    try:
        settings.WAVIX_SANDBOX_ENABLED = True
        plain_static_files()
        purge_broker()
        server, tenant, flow, caller, client = setup()
        campaign = measure_uploads(client, tenant, flow, caller)
        dispatch(campaign)
    finally:
        close_sessions()  # the kept-alive connections end, so the server's threads end
        if server is not None:
            server.shutdown()
            server.server_close()
        connection.close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
