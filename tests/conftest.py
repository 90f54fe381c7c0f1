"""Shared fixtures: two tenants always exist, each with an admin and an agent, plus a system
administrator and a support-staff user."""

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test import client as test_client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from portal.handlers import WebhookMiddleware, is_webhook
from tenants import services
from tenants.models import Role

from .factories import PASSWORD, TenantFactory, UserFactory, member


def pytest_configure(config):
    from django.apps import apps
    from django.conf import settings

    # The Wavix sandbox is installed only when enabled at start (bin/test enables it). As in a
    # deploy, it then answers only in the tests that turn it on (the sandbox fixtures).
    if not apps.is_installed("sandbox.wavix"):
        raise pytest.UsageError(
            "The tests need the Wavix sandbox installed: run them with "
            "WAVIX_SANDBOX_ENABLED=true (bin/test does)."
        )
    settings.WAVIX_SANDBOX_ENABLED = False

    # The manifest storage of production needs collectstatic; tests serve files as they are.
    # Hashing cost is not under test; the real hashers make every fixture slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def world(db):
    a = TenantFactory(name="Acme Telecom", slug="acme")
    b = TenantFactory(name="Globex Corporation", slug="globex")
    sysadmin = services.user_create(
        email="root@portal.example", password=PASSWORD, full_name="Sys Admin", is_system_admin=True
    )
    support = services.user_create(
        email="help@portal.example", password=PASSWORD, full_name="Sup Port", is_support=True
    )
    return SimpleNamespace(
        a=a,
        b=b,
        sysadmin=sysadmin,
        support=support,
        admin_a=member(a, Role.ADMIN, email="admin@acme.example"),
        agent_a=member(a, Role.AGENT, email="agent@acme.example"),
        admin_b=member(b, Role.ADMIN, email="admin@globex.example"),
        agent_b=member(b, Role.AGENT, email="agent@globex.example"),
    )


_ClientHandler = test_client.ClientHandler  # Django's, before the session's patch below


class _WebhookClientHandler(WebhookMiddleware, _ClientHandler):
    pass


class PortalClientHandler(_ClientHandler):
    """The test client's handler, serving as the portal's applications do (portal/handlers.py):
    the providers' webhooks on WEBHOOK_MIDDLEWARE, every other address on the whole stack."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.webhooks = _WebhookClientHandler(*args, **kwargs)

    def __call__(self, environ):
        if is_webhook(environ["PATH_INFO"]):
            return self.webhooks(environ)
        return super().__call__(environ)


@pytest.fixture(autouse=True, scope="session")
def _webhooks_on_their_stack():
    """Every test client (Django's, DRF's) splits as production does."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(test_client, "ClientHandler", PortalClientHandler)
        yield


def login(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def as_user():
    return login


def shown(page: str, test_id: str) -> str:
    """The text of the element marked `data-testid="<test_id>"` on a page."""
    match = re.search(rf'data-testid="{test_id}">([^<]*)<', page)
    assert match, test_id
    return match.group(1).strip()


def api_client(user, tenant=None, **token_kwargs) -> APIClient:
    _, raw = services.api_token_create(user=user, tenant=tenant, name="test", **token_kwargs)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.raw_token = raw
    return client


@pytest.fixture
def api_as():
    return api_client


def query_count(client, url) -> int:
    """The database queries a GET of `url` costs (the answer must be a 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def query_counts(world, grow, *, pages=(), api=(), small: int, large: int):
    """The query count of each page (`who`, url) and API list (`who`, tenant or None, url)
    after `grow(world, small)`, then after `grow(world, large)`: a list whose queries do not
    depend on its rows gives the same two dicts."""
    clients = {url: login(getattr(world, who)) for who, url in pages}
    for url, client in list(clients.items()):
        client.get(url)  # the first visit to a tenant records it as the user's last: one write
    for who, tenant, url in api:
        clients[url] = api_client(getattr(world, who), getattr(world, tenant) if tenant else None)
        clients[url].get(url)  # the first use records the token's last use: one write, once
    grow(world, small)
    before = {url: query_count(client, url) for url, client in clients.items()}
    grow(world, large)
    return before, {url: query_count(client, url) for url, client in clients.items()}


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def sandbox_account(db, settings):
    """A portal Wavix account whose API is the Wavix sandbox, answered in-process (no socket)
    on this test's database connection. `account.transport.request_count` counts the HTTP
    requests the portal made; `account.sandbox` is the sandbox's own account."""
    from portal.services import wavix_account_save
    from portal.wavix.client import session_for_account
    from sandbox.wavix.accounts import account_for_key
    from sandbox.wavix.transport import SandboxTransport

    settings.WAVIX_SANDBOX_ENABLED = True
    # The sandbox builds some addresses from the host it was asked on (a recording's file in
    # `Location`): the made-up host must be one Django accepts, so they lead back here.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "wavix-sandbox.test"]
    account = wavix_account_save(
        name="Sandbox",
        base_url="http://wavix-sandbox.test/wavix-sandbox",
        auth_mode="bearer",
        api_key=settings.WAVIX_SANDBOX_API_KEY,
    )
    account.transport = SandboxTransport()
    session_for_account(account).mount("http://wavix-sandbox.test/", account.transport)
    account.sandbox = account_for_key(settings.WAVIX_SANDBOX_API_KEY)
    return account


@pytest.fixture
def eager_celery():
    """Tasks run in-process when enqueued (at commit), so a whole chain of tasks runs inside
    the test. The real worker against Redis has its own test (tests/portal/test_worker.py)."""
    from portal.celery import app

    previous = app.conf.get("task_always_eager", False)
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def run_tasks(eager_celery, django_capture_on_commit_callbacks):
    """`run_tasks(call, ...)` calls it and runs what it enqueued, as the worker would after
    the commit."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


class HeldTask:
    """Stands in for a Celery task in the module that sends it: what is sent is held, not run
    (the eager worker would run a retry at once, ignoring its countdown), and `run_next()`
    delivers the oldest message as a worker would, once its time has come."""

    def __init__(self, task):
        self.task = task
        self.messages: list[tuple[tuple, float | None]] = []

    def delay(self, *args):
        self.messages.append((args, None))

    def apply_async(self, args=(), kwargs=None, countdown=None, **options):
        self.messages.append((tuple(args), countdown))

    def run_next(self):
        args, _ = self.messages.pop(0)
        return self.task(*args)


@pytest.fixture
def hold_task(monkeypatch):
    """`hold_task("dids.tasks", "e911_run_job")` -> HeldTask: messages to that task are held
    until the test delivers them, so a waiting state (a retry due later) can be looked at."""
    import importlib

    def hold(module: str, name: str) -> HeldTask:
        held = HeldTask(getattr(importlib.import_module(module), name))
        monkeypatch.setattr(f"{module}.{name}", held)
        return held

    return hold


@pytest.fixture
def no_client_backoff(monkeypatch):
    """The Wavix client's own quick retries (within one call) do not sleep: their backoff is
    tested in tests/wavix/test_client.py, and tests that fail every attempt would wait."""
    monkeypatch.setattr("portal.wavix.client.BACKOFF_BASE", 0)
