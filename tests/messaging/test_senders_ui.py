"""The sender ID pages as a tenant admin, an agent and a system administrator see them."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from messaging.models import SenderId
from tests.conftest import login, shown

pytestmark = pytest.mark.django_db


def test_an_admin_registers_a_name_and_sees_where_it_stands(
    senders_env, eager_celery, django_capture_on_commit_callbacks
):
    world = senders_env.world
    client = login(world.admin_a)
    page = client.get("/t/acme/sender-ids/new/?kind=alphanumeric").content.decode()
    assert 'value="GB"' in page and 'value="US"' not in page and 'value="CA"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/t/acme/sender-ids/new/?kind=alphanumeric",
            {
                "kind": "alphanumeric",
                "name": "Acme",
                "countries": ["GB", "FR"],
                "usecase": "transactional",
                "monthly_volume": "1-1000",
            },
        )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert 'data-country="GB" data-state="allowlisted"' in detail
    assert 'data-country="FR" data-state="manual"' in detail
    assert "France needs paperwork" in detail
    listing = client.get("/t/acme/sender-ids/").content.decode()
    assert "Acme" in listing and "FR: Manual registration needed" in listing
    audit = client.get(reverse("tenant:audit_list", args=["acme"])).content.decode()
    # The audit log shows who chose the countries and the job's registration on Wavix.
    assert ">Countries<" in audit and ">Registration<" in audit
    assert "task:messaging.tasks.run_sender_job" in audit


def test_a_name_for_the_us_is_refused_on_the_form_and_nothing_is_saved(senders_env):
    client = login(senders_env.world.admin_a)
    response = client.post(
        "/t/acme/sender-ids/new/?kind=alphanumeric",
        {
            "kind": "alphanumeric",
            "name": "Acme",
            "countries": ["US"],
            "usecase": "transactional",
            "monthly_volume": "1-1000",
        },
    )
    assert response.status_code == 200
    assert "“US” cannot be chosen: a name cannot send to the United States" in (
        response.content.decode()
    )
    with scopes_disabled():
        assert not SenderId.objects.exists()


def test_the_number_drop_down_offers_only_sms_enabled_numbers_or_says_why(senders_env, world):
    page = login(world.admin_a).get("/t/acme/sender-ids/new/?kind=numeric").content.decode()
    for number in senders_env.sms:
        assert f'value="{number}"' in page
    assert f'value="{senders_env.plain}"' not in page
    refused = login(world.admin_a).post(
        "/t/acme/sender-ids/new/?kind=numeric",
        {
            "kind": "numeric",
            "number": str(senders_env.plain),
            "countries": ["GB"],
            "usecase": "transactional",
            "monthly_volume": "1-1000",
        },
    )
    assert f"“{senders_env.plain}” is not one of your SMS-enabled numbers" in (
        refused.content.decode()
    )
    from tenants.models import Role
    from tests.factories import TenantFactory, member

    empty = TenantFactory(name="Empty", slug="empty")
    admin = member(empty, Role.ADMIN, email="admin@empty.example")
    page = login(admin).get("/t/empty/sender-ids/new/?kind=numeric").content.decode()
    assert "has no numbers yet" in shown(page, "no-numbers")


def test_agents_read_but_do_not_change_sender_ids(senders_env):
    client = login(senders_env.world.agent_a)
    assert client.get("/t/acme/sender-ids/").status_code == 200
    assert client.get("/t/acme/sender-ids/new/?kind=numeric").status_code == 403


def test_system_administrators_see_every_tenants_sender_ids(senders_env, run_tasks):
    from django_scopes import scope

    from messaging.services.senders import sender_create

    with scope(tenant=senders_env.world.a):
        run_tasks(
            sender_create,
            tenant=senders_env.world.a,
            kind="alphanumeric",
            value="Acme",
            countries=["GB"],
        )
    page = login(senders_env.world.sysadmin).get("/platform/sender-ids/?q=acme").content.decode()
    assert "Acme Telecom" in page and "Acme" in page
    assert login(senders_env.world.admin_a).get("/platform/sender-ids/").status_code == 403
