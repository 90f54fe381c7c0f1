"""The Content-Security-Policy holds in real Chromium: every page in each role's navigation,
plus the pages behind them (an audit entry, a trunk, the API docs, the Django admin), loads
with no violation (securitypolicyviolation events and console reports) and no script or
console error,
and what the scripts used to do inline still happens (charts drawn, progress shown,
select-all ticks, the API docs rendered)."""

import re
from urllib.parse import urlparse

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from dids import services as dids_services
from dids.models import Did, SyncRun
from portal.models import AuditEntry
from sandbox.wavix.accounts import account_for_key
from sandbox.wavix.seed import seed_account
from trunks import services as trunk_services
from trunks.tasks import pull_cdrs

from .test_roles import log_in

pytestmark = pytest.mark.e2e

RECORDER = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
    + (e.sample ? ` (${e.sample})` : "")
  );
});
"""


class Watch:
    """What went wrong on the pages a tab visited: CSP violations (the event and Chromium's
    console report) and uncaught script errors."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.context.add_init_script(RECORDER)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))

    def _console(self, message) -> None:
        # Chromium reports a violation here too; htmx reports a refused eval here only.
        if message.type == "error":
            self.problems.append(f"{self.page.url}: console: {message.text}")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        policy = response.headers.get("content-security-policy", "")
        script_src = re.search(r"script-src([^;]*)", policy)
        assert script_src and "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        self.settle()

    def settle(self) -> None:
        try:
            self.page.wait_for_load_state("networkidle", timeout=5_000)
        except Exception:  # noqa: BLE001 - a page that polls never goes idle; it has loaded
            self.page.wait_for_timeout(500)
        self.problems += [
            f"{self.page.url}: {v}" for v in self.page.evaluate("window.__violations")
        ]

    def nav_links(self) -> list[str]:
        origin = urlparse(self.page.url)
        hrefs = self.page.eval_on_selector_all(
            "nav.app-sidebar a[href]", "links => links.map(a => a.href)"
        )
        same_site = [h for h in hrefs if urlparse(h).netloc == origin.netloc]
        return list(dict.fromkeys(h.split("#")[0] for h in same_site))


@pytest.fixture
def rich_world(live_sandbox, settings, world):
    """Numbers synced from the sandbox, pools for both tenants, a trunk shared with Acme and its
    call records: every main page has rows, charts and progress bars to draw."""
    seed_account(account=account_for_key(settings.WAVIX_SANDBOX_API_KEY), purchased=30)
    dids_services.sync_start(account=live_sandbox)
    assert SyncRun.objects.get().status == SyncRun.Status.SUCCEEDED
    active = sorted(
        Did.objects.filter(status="active", number__lt=2 * 10**10).values_list("number", flat=True)
    )
    dids_services.pool_save(tenant=world.a, text=";".join(map(str, active[:6])), name="Main")
    dids_services.pool_save(tenant=world.b, text=str(active[8]), name="Globex")
    trunk = trunk_services.trunk_save(
        account=live_sandbox,
        data={
            "label": "Acme PBX",
            "auth_method": "digest",
            "password": "Str0ng-Passw0rd-1",
            "callerid": str(active[6]),  # the number shared below: a caller ID must be in its pool
            "transcription_threshold": 6,
        },
    )
    with scopes_disabled():
        trunk_services.assignment_save(
            trunk=trunk, tenant=world.a, numbers=str(active[6]), max_calls=5
        )
    from sandbox.wavix.models import SandboxCdr

    SandboxCdr.objects.filter(direction="placed").update(caller=str(active[0]))
    pull_cdrs()
    return trunk


def test_every_main_page_of_every_role_loads_without_a_csp_violation(
    page, live_server, world, rich_world
):
    base = live_server.url
    watch = Watch(page)

    log_in(page, base, world.sysadmin)
    watch.settle()
    # The overview's two charts and the call records' chart are drawn by static scripts.
    page.wait_for_function("() => Boolean(Chart.getChart('changes-chart'))")
    page.wait_for_function("() => Boolean(Chart.getChart('calls-chart'))")
    platform = watch.nav_links()
    assert len(platform) >= 8, platform
    with scopes_disabled():
        entry = AuditEntry.objects.order_by("-id").first()
    extra = [
        f"{base}/platform/audit/{entry.pk}/",
        f"{base}/platform/trunks/{rich_world.pk}/",
        f"{base}/platform/tenants/{world.a.slug}/",
        f"{base}/platform/numbers/sync/",
        f"{base}/platform/numbers/buy/",
        f"{base}/platform/tenants/new/",
    ]
    for url in platform + extra:
        watch.visit(url)
    watch.visit(f"{base}/platform/numbers/sync/")
    bar = page.locator(".progress-bar[data-progress]").first
    expect(bar).to_have_attribute("style", re.compile(r"width: 100%"))
    watch.visit(f"{base}/platform/numbers/inventory/")
    page.get_by_label("Select all").check()
    boxes = page.locator("input[name=numbers]")
    assert boxes.count() > 1
    for i in range(boxes.count()):
        expect(boxes.nth(i)).to_be_checked()
    watch.visit(f"{base}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Telecom portal API")
    watch.settle()
    page.context.clear_cookies()

    for user in (world.admin_a, world.agent_a):
        log_in(page, base, user)
        watch.settle()
        for url in watch.nav_links():
            watch.visit(url)
        page.context.clear_cookies()
    log_in(page, base, world.admin_a)
    watch.visit(f"{base}/t/{world.a.slug}/calls/")
    page.wait_for_function("() => Boolean(Chart.getChart('cdr-chart'))")
    page.get_by_label("Direction").select_option(label="Received (inbound)")
    expect(page).to_have_url(re.compile(r"direction=received"))
    watch.settle()
    watch.visit(f"{base}/t/{world.a.slug}/numbers/usage/")
    watch.visit(f"{base}/t/{world.a.slug}/e911/")
    page.get_by_label("Select all").check()
    page.context.clear_cookies()

    log_in(page, base, world.support)
    watch.settle()
    for path in (
        "/admin/",
        "/admin/axes/accesslog/",
        "/admin/portal/auditentry/?timestamp__year=2026",
        f"/admin/tenants/tenant/{world.a.pk}/change/",
        "/admin/dids/did/",
    ):
        watch.visit(base + path)

    assert not watch.problems, "\n".join(watch.problems)
