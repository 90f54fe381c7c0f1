"""The demo's routing: the four destinations on Acme's SMS numbers, both unrouted lists
filled, and a second run changes nothing."""

from io import StringIO

from django_scopes import scopes_disabled

from messaging.models import Message, NumberRoute
from portal.demo.routing import seed_demo_routing
from tenants.models import Role

from ..factories import member


def demo_world(senders_env, world) -> None:
    """Acme's demo people and two more SMS numbers in its pool, as the demo's inventory has."""
    from dids import services as dids_services
    from dids.models import Did

    a = world.a
    member(a, Role.ADMIN, email="alice@acme.example")
    member(a, Role.AGENT, email="aaron@acme.example")
    more = sorted(
        Did.objects.filter(account=senders_env.account, sms_enabled=True).values_list(
            "number", flat=True
        )
    )[5:7]
    assert len(more) == 2
    with scopes_disabled():
        dids_services.pool_save(tenant=a, name="More", text=";".join(map(str, more)))


def test_the_demo_sets_each_destination_and_fills_both_unrouted_lists(senders_env, world, settings):
    settings.TENANT_WEBHOOK_PRIVATE_HOSTS = True  # as with make run's DEBUG: the demo receiver
    demo_world(senders_env, world)
    seed_demo_routing(StringIO())
    with scopes_disabled():
        kinds = sorted(NumberRoute.objects.values_list("destination", flat=True))
        assert kinds == ["agent", "email", "queue", "webhook"]
        assert set(Message.objects.values_list("unrouted", flat=True)) == {
            "no_destination",
            "no_owner",
        }
    seed_demo_routing(StringIO())
    with scopes_disabled():
        assert Message.objects.count() == 2


def test_in_production_the_demo_makes_no_webhook_to_the_portal_itself(senders_env, world):
    demo_world(senders_env, world)
    seed_demo_routing(StringIO())  # TENANT_WEBHOOK_PRIVATE_HOSTS off, as with DEBUG off
    with scopes_disabled():
        kinds = set(NumberRoute.objects.values_list("destination", flat=True))
    assert "webhook" not in kinds and {"agent", "queue"} <= kinds
