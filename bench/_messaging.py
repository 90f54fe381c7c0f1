"""What the messaging benchmarks share (not a benchmark itself: run alone it says so).

Each benchmark makes a throwaway test database on PostgreSQL, serves the Wavix sandbox over
loopback HTTP from its own process (as bench/sync.py does), queues messages in bulk, and
starts real Celery workers (`--pool=solo`, one process each) on the run's Redis broker and
database, which send them through the outbox.
"""

import logging
import os
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["WAVIX_SANDBOX_ENABLED"] = "true"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from messaging.models import Channel, Message, MessageEvent, Outbox  # noqa: E402
from portal.services import wavix_account_save  # noqa: E402

# One line per Wavix call would bury the figures.
logging.getLogger("portal.wavix").setLevel(logging.ERROR)
logging.getLogger("django.request").setLevel(logging.CRITICAL)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class SandboxServer(ThreadedWSGIServer):
    daemon_threads = False


def serve() -> tuple[str, SandboxServer]:
    import sandbox.wavix.services.messaging as sandbox_messaging

    # The carrier's later steps (sent, delivered) are not measured: no progress tasks.
    sandbox_messaging._enqueue_progress = lambda message_id: None
    server = SandboxServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/wavix-sandbox", server


def sandbox_channel(base_url: str, *, rate: float):
    from sandbox.wavix.accounts import account_for_key
    from sandbox.wavix.seed import seed_account

    account = wavix_account_save(
        name=f"Sandbox {uuid.uuid4().hex[:6]}",
        base_url=base_url,
        auth_mode="bearer",
        api_key=settings.WAVIX_SANDBOX_API_KEY,
    )
    sandbox = account_for_key(settings.WAVIX_SANDBOX_API_KEY)
    if not sandbox.numbers.filter(sms_enabled=True, status="active").exists():
        seed_account(account=sandbox, purchased=3)
    sender = sandbox.numbers.filter(sms_enabled=True, status="active").first().number
    channel = Channel.objects.create(
        name=f"Bench {uuid.uuid4().hex[:6]}", kind="wavix", wavix_account=account, rate=rate
    )
    return channel, sandbox, sender


def queue_bulk(channel: Channel, sender: str, count: int, batch: int = 5000) -> list[str]:
    """`count` queued messages with their history entry and outbox row, in bulk (what
    message_send does one by one)."""
    tags = []
    now = timezone.now()
    expires = now + timezone.timedelta(days=channel.validity_days)
    for start in range(0, count, batch):
        n = min(batch, count - start)
        messages = [
            Message(
                channel=channel,
                direction="outbound",
                sender=sender,
                recipient=f"1312555{1000 + (start + i) % 9000:04d}",
                text="Your code is 123456",
                tag=uuid.uuid4().hex,
                source="api",
                created_at=now,
                expires_at=expires,
            )
            for i in range(n)
        ]
        Message._base_manager.bulk_create(messages)
        MessageEvent._base_manager.bulk_create(
            MessageEvent(message=m, at=now, status="queued") for m in messages
        )
        Outbox._base_manager.bulk_create(
            Outbox(message=m, channel=channel, due_at=now) for m in messages
        )
        tags.extend(m.tag for m in messages)
    return tags


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_worker(name: str, nice: int = 0, **env: str) -> subprocess.Popen:
    """A real Celery worker (one process) on this run's database and broker; `nice` lowers its
    CPU priority (the web first, as when the workers have cores of their own)."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "WAVIX_SANDBOX_ENABLED": "false",
        **env,
    }
    folder = Path(os.environ.get("PORTAL_VAR_DIR", "/tmp"))
    folder.mkdir(parents=True, exist_ok=True)
    log = open(folder / f"bench-{name}.log", "w")  # noqa: SIM115
    return subprocess.Popen(
        [
            *(("nice", "-n", str(nice)) if nice else ()),
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{name}@%h",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def purge_broker() -> None:
    from portal.celery import app

    app.control.purge()


def done_count(channel: Channel) -> int:
    return Outbox._base_manager.filter(channel=channel, status__in=["succeeded", "failed"]).count()
