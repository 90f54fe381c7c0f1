"""Lists are paginated and cost the same number of queries for 3 rows or 60."""

import pytest
from django_scopes import scope

from dids.models import Did, NumberOrder, SyncRun
from dids.services import note_save, pool_save
from portal.services import wavix_account_save
from tenants import services
from tenants.models import Role

from ..conftest import login, query_counts
from ..factories import TenantFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("sysadmin", "/platform/"),
    ("sysadmin", "/platform/tenants/"),
    ("sysadmin", "/platform/users/"),
    ("sysadmin", "/platform/audit/"),
    ("sysadmin", "/platform/tokens/"),
    ("admin_a", "/t/acme/users/"),
    ("admin_a", "/t/acme/audit/"),
    ("admin_a", "/t/acme/tokens/"),
    ("admin_a", "/t/acme/"),
    ("sysadmin", "/platform/numbers/"),
    ("admin_a", "/t/acme/numbers/"),
    ("admin_a", "/t/acme/numbers/?status=active"),
    ("admin_a", "/t/acme/numbers/?q=front"),
    ("admin_a", "/t/acme/numbers/usage/"),
    ("sysadmin", "/platform/numbers/inventory/"),
    ("sysadmin", "/platform/numbers/inventory/?pooled=yes&sms_enabled=yes"),
    ("sysadmin", "/platform/numbers/sync/"),
    ("sysadmin", "/platform/numbers/orders/"),
    ("sysadmin", "/platform/wavix/"),
]
API = [
    ("sysadmin", None, "/api/v1/tenants/"),
    ("sysadmin", None, "/api/v1/users/"),
    ("sysadmin", None, "/api/v1/audit-log/"),
    ("admin_a", "a", "/api/v1/tenants/acme/members/"),
    ("admin_a", "a", "/api/v1/tenants/acme/audit-log/"),
    ("sysadmin", None, "/api/v1/pools/"),
    ("admin_a", "a", "/api/v1/tenants/acme/numbers/"),
    ("admin_a", "a", "/api/v1/tenants/acme/pool-usage/"),
    ("sysadmin", None, "/api/v1/inventory/"),
    ("sysadmin", None, "/api/v1/sync-runs/"),
]


def grow(world, n):
    """n more tenants with pools, members of acme, tokens, audit entries, acme numbers
    (ranges, held numbers and labels), Wavix accounts with sync runs and orders."""
    start = 16460000000 + Did.objects.count() * 10
    for i in range(n):
        number = start + i * 10
        pool_save(tenant=world.a, text=f"{number}-{number + 5}", name=f"p{number}")
        tenant = TenantFactory()
        pool_save(tenant=tenant, text=f"{number + 7}")
        account = wavix_account_save(
            name=f"Wavix {number}",
            base_url="https://api.wavix.com",
            auth_mode="bearer",
            api_key=f"key-{number}",
        )
        Did.objects.create(number=number, status="active", sms_enabled=True, account=account)
        SyncRun.objects.create(account=account, status="succeeded", requested_by=world.sysadmin)
        NumberOrder.objects.create(
            kind="buy",
            account=account,
            numbers=[str(number)],
            tenant=tenant,
            requested_by=world.sysadmin,
            status="succeeded",
        )
        with scope(tenant=world.a):
            note_save(tenant=world.a, number=number + 1, label="front desk", description="")
        user = UserFactory()
        services.membership_set(tenant=world.a, user=user, role=Role.AGENT)
        services.membership_set(tenant=tenant, user=user, role=Role.ADMIN)
        services.api_token_create(user=world.admin_a, tenant=world.a, name=f"t{i}")
        services.api_token_create(user=world.sysadmin, tenant=None, name=f"p{i}")


def test_page_query_counts_do_not_grow_with_rows(world):
    small, large = query_counts(world, grow, pages=PAGES, small=3, large=60)
    assert large == small


def test_api_query_counts_do_not_grow_with_rows(world):
    small, large = query_counts(world, grow, api=API, small=3, large=60)
    assert large == small


def test_lists_paginate_and_search(world):
    grow(world, 30)
    client = login(world.sysadmin)
    page = client.get("/platform/tenants/").content.decode()
    assert "1–25 of 32" in page and "Page 1 of 2" in page
    page = client.get("/platform/tenants/?page=2").content.decode()
    assert "26–32 of 32" in page
    page = client.get("/platform/tenants/?q=acme").content.decode()
    assert "1–1 of 1" in page and "Acme Telecom" in page


def test_htmx_filtering_returns_only_the_table(world):
    client = login(world.sysadmin)
    response = client.get("/platform/tenants/?q=glo", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Globex" in html and "Acme" not in html and "<nav" not in html


def paginated_list_urls():
    """(address, who) of every UI view that pages a list, from the URL resolver, so a new list
    is covered the day it is added."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.views.generic.list import MultipleObjectMixin

    def walk(patterns, prefix, namespace):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, route, p.namespace or namespace)
            elif isinstance(p, URLPattern):
                view = getattr(p.callback, "view_class", None)
                pages = view and issubclass(view, MultipleObjectMixin) and view.paginate_by
                shown = "export" not in (p.name or "") and namespace in {"platform", "tenant"}
                # A list inside one object's page (a webhook endpoint's delivery log) names the
                # object: its own test pages it (tests/messaging/test_routing_ui.py).
                of_an_object = "<" in route.replace("<slug:tenant_slug>", "")
                if pages and shown and not of_an_object:
                    yield route.replace("<slug:tenant_slug>", "acme"), namespace

    return sorted(set(walk(get_resolver().url_patterns, "/", "")))


def test_every_paginated_list_shows_its_last_page_for_a_page_past_the_end(world):
    urls = paginated_list_urls()
    assert len(urls) >= 15 and ("/platform/calls/", "platform") in urls
    clients = {"platform": login(world.sysadmin), "tenant": login(world.admin_a)}
    for url, namespace in urls:
        for page, notice in [
            ("999", "There is no page “999”: this is page 1 of 1."),
            ("abc", "There is no page “abc”: this is page 1 of 1."),
            ("-1", "There is no page “-1”: this is page 1 of 1."),
            ("9" * 5000, "There is no page “99999999999999999999…”: this is page 1 of 1."),
        ]:
            response = clients[namespace].get(url, {"page": page})
            assert response.status_code == 200, (url, page, response.status_code)
            assert response.context["page_obj"].number == 1
            assert notice in response.content.decode(), (url, page)


def test_a_page_past_the_end_of_a_long_list_is_its_last_page(world):
    grow(world, 30)
    client = login(world.sysadmin)
    page = client.get("/platform/tenants/?page=999").content.decode()
    assert "26–32 of 32" in page and "Page 2 of 2" in page
    assert "There is no page “999”: this is page 2 of 2." in page
    assert "There is no page" not in client.get("/platform/tenants/?page=2").content.decode()
    page = client.get("/platform/tenants/?page=last").content.decode()
    assert "26–32 of 32" in page and "There is no page" not in page
