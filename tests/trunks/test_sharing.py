"""Sharing a trunk with tenants: each tenant's DID pool on the trunk (one number, one tenant),
caller IDs only among the tenant's own numbers, routing its numbers to the trunk, and what a
tenant admin sees (no secrets)."""

import html

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from dids.models import DidPool, NumberOrder
from dids.services import pool_save
from sandbox.wavix.models import SandboxDestination
from trunks import services
from trunks.models import SETTINGS, TrunkAssignment

from ..conftest import login
from .conftest import digest, share

pytestmark = pytest.mark.django_db


def test_sharing_gives_the_tenant_a_pool_on_the_trunk(make_trunk, wavix):
    trunk = make_trunk()
    n = wavix.active
    client = login(wavix.world.sysadmin)
    response = client.post(
        f"/platform/trunks/{trunk.pk}/share/",
        {"tenant": wavix.world.a.pk, "numbers": f"{n[0]};{n[1]}-{n[1]}", "max_calls": 4},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assignment = TrunkAssignment.objects.get()
        assert assignment.pool.tenant == wavix.world.a and assignment.pool.size == 2
    page = client.get(f"/platform/trunks/{trunk.pk}/").content.decode()
    assert "Acme Telecom" in page and "Stop sharing" in page


def test_a_number_of_another_tenant_is_refused_naming_the_owner(make_trunk, wavix):
    trunk = make_trunk()
    n = wavix.active
    pool_save(tenant=wavix.world.b, text=str(n[3]))
    page = (
        login(wavix.world.sysadmin)
        .post(
            f"/platform/trunks/{trunk.pk}/share/",
            {"tenant": wavix.world.a.pk, "numbers": f"{n[2]};{n[3]}", "max_calls": 4},
        )
        .content.decode()
    )
    assert f"{n[3]} already belong to Globex Corporation" in page
    with scopes_disabled():
        assert not TrunkAssignment.objects.exists()
        assert not DidPool.objects.filter(tenant=wavix.world.a).exists()


def test_max_calls_cannot_exceed_the_trunks_channels(make_trunk, wavix):
    trunk = make_trunk(max_channels=5)
    with pytest.raises(ValidationError) as exc:
        share(trunk, wavix.world.a, str(wavix.active[2]), max_calls=6)
    assert "6 concurrent calls is outside 1 to 5 (the limit of the trunk's 5 channels)" in str(
        exc.value
    )


def test_once_shared_the_caller_id_must_be_in_a_tenants_pool(make_trunk, wavix):
    trunk = make_trunk()
    n = wavix.active
    share(trunk, wavix.world.a, f"{n[0]};{n[1]}")
    data = {name: getattr(trunk, name) for name in SETTINGS}
    services.trunk_save(trunk=trunk, data={**data, "callerid": str(n[1])})  # in the pool
    with pytest.raises(ValidationError) as exc:
        services.trunk_save(trunk=trunk, data={**data, "callerid": str(n[5])})
    assert f"+{n[5]} is not in the pool of a tenant this trunk is shared with (Acme" in str(
        exc.value
    )


def test_the_trunk_caller_id_cannot_leave_the_pool(make_trunk, wavix):
    trunk = make_trunk()
    n = wavix.active
    assignment = share(trunk, wavix.world.a, f"{n[0]};{n[1]}")
    with pytest.raises(ValidationError) as exc:
        share_edit = services.assignment_save  # the pool rule of the DID pools issue
        share_edit(
            trunk=trunk, tenant=wavix.world.a, numbers=str(n[1]), max_calls=5, assignment=assignment
        )
    assert f"+{n[0]} is in use: caller ID of trunk “Acme PBX”" in str(exc.value)
    with pytest.raises(ValidationError):
        services.assignment_delete(assignment=assignment)
    with scopes_disabled():
        assert TrunkAssignment.objects.filter(pk=assignment.pk).exists()


def test_tenant_admin_sees_connection_details_without_secrets(make_trunk, wavix):
    trunk = make_trunk()
    assignment = share(trunk, wavix.world.a, f"{wavix.active[0]};{wavix.active[1]}")
    client = login(wavix.world.admin_a)
    listing = client.get("/t/acme/trunks/").content.decode()
    assert "Acme PBX" in listing
    page = client.get(f"/t/acme/trunks/{assignment.pk}/").content.decode()
    assert trunk.sip_username in page and "sip.wavix.net" in page and "5060" in page
    assert "Str0ng-Passw0rd-1" not in page and "held by your provider" in page
    assert client.get("/t/globex/trunks/").status_code == 404
    assert login(wavix.world.agent_a).get("/t/acme/trunks/").status_code == 403
    body = client.get(f"/api/v1/tenants/acme/trunks/{assignment.pk}/")
    assert body.status_code == 200 and "Str0ng" not in body.content.decode()


def test_tenant_chooses_caller_ids_only_among_its_own_numbers(make_trunk, wavix):
    trunk = make_trunk(passthrough=True)
    n = wavix.active
    assignment = share(trunk, wavix.world.a, f"{n[0]};{n[1]}")
    pool_save(tenant=wavix.world.b, text=str(n[4]))
    client = login(wavix.world.admin_a)
    page = client.post(
        f"/t/acme/trunks/{assignment.pk}/", {"caller_ids": f"{n[1]}\n{n[4]}\n12"}
    ).content.decode()
    assert "“12” is not a phone number in E.164 digits" in page
    page = client.post(
        f"/t/acme/trunks/{assignment.pk}/", {"caller_ids": f"{n[1]}\n{n[4]}"}
    ).content.decode()
    assert f"Not numbers of yours on this trunk: +{n[4]}." in page
    response = client.post(f"/t/acme/trunks/{assignment.pk}/", {"caller_ids": f"+{n[1]}"})
    assert response.status_code == 302
    with scopes_disabled():
        assignment.refresh_from_db()
    assert assignment.caller_ids == [n[1]]
    # A caller ID in use keeps its number in the pool.
    with pytest.raises(ValidationError, match="caller ID of Acme Telecom on trunk"):
        services.assignment_save(
            trunk=trunk,
            tenant=wavix.world.a,
            numbers=str(n[0]),
            max_calls=5,
            assignment=assignment,
        )


def test_routing_a_tenants_numbers_updates_their_wavix_destinations(make_trunk, wavix, run_tasks):
    trunk = make_trunk()
    n = wavix.active
    assignment = share(trunk, wavix.world.a, f"{n[0]};{n[1]};{n[2]}")
    client = login(wavix.world.sysadmin)
    response = run_tasks(client.post, f"/platform/trunk-shares/{assignment.pk}/route/")
    assert response.status_code == 302
    order = NumberOrder.objects.get()
    assert order.status == "succeeded", order.error
    routed = SandboxDestination.objects.filter(
        trunk_id=trunk.wavix_id, number__number__in=[str(x) for x in n[:3]]
    )
    assert routed.count() == 3


def test_sharing_a_trunk_whose_caller_id_is_outside_the_pool_is_refused_saying_why(
    make_trunk, wavix
):
    trunk = make_trunk()  # caller ID: the first active number
    n = wavix.active
    client = login(wavix.world.sysadmin)
    page = client.post(
        f"/platform/trunks/{trunk.pk}/share/",
        {"tenant": wavix.world.a.pk, "numbers": f"{n[2]};{n[3]}", "max_calls": 4},
    ).content.decode()
    assert (
        f"“Acme PBX” presents the caller ID +{n[0]}, which would be in no tenant's pool on it: "
        f"add +{n[0]} to Acme Telecom's numbers here, or first give the trunk a caller ID among "
        "them."
    ) in html.unescape(page)
    with scopes_disabled():
        assert not TrunkAssignment.objects.exists()
        assert not DidPool.objects.filter(tenant=wavix.world.a).exists()  # nothing half-saved

    # With the caller ID in the pool it is shared; another tenant's share then need not hold it.
    assert share(trunk, wavix.world.a, f"{n[0]};{n[2]}")
    assert share(trunk, wavix.world.b, str(n[3]))


def test_the_caller_id_example_is_one_of_the_tenants_own_numbers_on_the_trunk(
    make_trunk, wavix, run_tasks
):
    import re

    trunk = make_trunk()
    n = wavix.active
    assignment = share(trunk, wavix.world.a, f"{n[0]};{n[7]}-{n[8]}")
    page = login(wavix.world.admin_a).get(f"/t/acme/trunks/{assignment.pk}/").content.decode()
    placeholder = re.search(r'name="caller_ids"[^>]*placeholder="([^"]*)"', page) or re.search(
        r'placeholder="([^"]*)"[^>]*name="caller_ids"', page
    )
    assert placeholder and placeholder.group(1) == f"+{n[0]}"

    # A pool of numbers not held on Wavix: still one of the tenant's own numbers.
    data = {**digest(n[0]), "label": "Second", "callerid": "", "passthrough": True}
    other = run_tasks(services.trunk_save, account=wavix.account, data=data)
    free = share(other, wavix.world.b, "19995550100-19995550109")
    page = login(wavix.world.admin_b).get(f"/t/globex/trunks/{free.pk}/").content.decode()
    assert 'placeholder="+19995550100"' in page


def test_the_tenants_caller_ids_are_shown_with_plus_like_the_rest_of_the_portal(make_trunk, wavix):
    trunk = make_trunk()
    n = wavix.active
    assignment = share(trunk, wavix.world.a, f"{n[0]};{n[1]}")
    with scopes_disabled():
        services.assignment_set_caller_ids(assignment=assignment, text=str(n[1]))
    page = login(wavix.world.admin_a).get(f"/t/acme/trunks/{assignment.pk}/").content.decode()
    assert f">\n+{n[1]}</textarea>" in page
