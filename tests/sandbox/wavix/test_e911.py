"""E911 in the sandbox: each of Wavix's four validation outcomes comes from a known address, and
only an address that validates as it is can be registered for a number."""

from __future__ import annotations

import pytest

from .conftest import documented

pytestmark = pytest.mark.django_db

# Checked against the supplement when it documents the operations, as plain calls otherwise.
CHECK = documented("post", "/v1/e911-records/validate-address")

MAIN_ST = {
    "street_number": "100",
    "street": "Main St",
    "location": "Suite 200",
    "city": "Springfield",
    "state": "IL",
    "zip_code": "62701",
}


@pytest.fixture
def number(seeded) -> str:
    return seeded.account.numbers.filter(number__startswith="1").first().number


def validate(sandbox, number, address, check=CHECK):
    body = {"phone_number": number, "name": "Head office", "address": address}
    return sandbox.post("/v1/e911-records/validate-address", json=body, check=check)


def test_a_known_street_with_its_zip_is_a_full_match(seeded, number):
    answer = validate(seeded, number, MAIN_ST).json()
    assert answer["status"] == 1 and answer["number"] == number
    assert answer["corrected_address"] == {**MAIN_ST, "zip_plus_four": "627011504"}


def test_a_wrong_zip_on_a_known_street_is_corrected(seeded, number):
    typo = {**MAIN_ST, "zip_code": "62710", "street": "main street", "city": "SPRINGFIELD"}
    answer = validate(seeded, number, typo).json()
    assert answer["status"] == 2
    assert answer["corrected_address"] == {**MAIN_ST, "zip_plus_four": "627011504"}


def test_a_vague_street_without_a_unit_returns_candidates(seeded, number):
    broadway = {
        "street_number": "1501",
        "street": "Broadway",
        "city": "New York",
        "state": "NY",
        "zip_code": "10036",
    }
    answer = validate(seeded, number, broadway).json()
    assert answer["status"] == 3
    assert [c["zip_code"] for c in answer["candidates"]] == ["10004", "10279", "10036"]
    assert answer["corrected_address"]["street"] == "Broadway"
    placed = validate(seeded, number, {**broadway, "location": "Floor 3"}).json()
    assert placed["status"] == 1 and placed["corrected_address"]["zip_plus_four"] == "100365601"


def test_an_unknown_street_is_no_match(seeded, number):
    answer = validate(seeded, number, {**MAIN_ST, "street": "Nowhere Lane"}).json()
    assert answer["status"] == 4


def test_a_corrected_address_can_be_registered_and_listed(seeded, number):
    corrected = validate(seeded, number, {**MAIN_ST, "zip_code": "62710"}).json()
    body = {
        "phone_number": number,
        "name": "Head office",
        "address": corrected["corrected_address"],
    }
    assert seeded.post("/v1/e911-records", json=body, check=CHECK).json() == {"success": True}
    records = seeded.get("/v1/e911-records", check=CHECK).json()["items"]
    assert records == [
        {"phone_number": number, "name": "Head office", "address": corrected["corrected_address"]}
    ]


def test_an_address_that_does_not_validate_as_it_is_cannot_be_registered(seeded, number):
    typo = {**MAIN_ST, "zip_code": "62710", "zip_plus_four": "627101504"}
    body = {"phone_number": number, "name": "Head office", "address": typo}
    response = seeded.post("/v1/e911-records", json=body, check=CHECK)
    assert response.status_code == 422
    assert "status 2" in response.json()["message"]
    assert not seeded.account.e911.exists()


def test_validation_names_a_missing_address_field(seeded, number):
    address = {k: v for k, v in MAIN_ST.items() if k != "zip_code"}
    response = validate(seeded, number, address, check=False)
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Missing or invalid parameter address.zip_code: is required"
    )


def test_e911_is_refused_for_numbers_outside_the_account_or_north_america(seeded):
    assert validate(seeded, "19995550100", MAIN_ST).status_code == 404
    london = seeded.account.numbers.filter(city__country__short_name="GB").first()
    response = validate(seeded, london.number, MAIN_ST)
    assert response.status_code == 400 and "US and Canadian" in response.json()["message"]


def test_deleting_a_record_stops_e911_for_the_number(seeded, number):
    seeded.post(
        "/v1/e911-records",
        check=CHECK,
        json={
            "phone_number": number,
            "name": "Office",
            "address": {**MAIN_ST, "zip_plus_four": "627011504"},
        },
    )
    deleted = seeded.delete("/v1/e911-records", params={"phone_number": number}, check=CHECK)
    assert deleted.json() == {"success": True}
    again = seeded.delete("/v1/e911-records", params={"phone_number": number}, check=CHECK)
    assert again.status_code == 404


def test_releasing_a_number_removes_its_e911_record(seeded, number):
    seeded.post(
        "/v1/e911-records",
        check=CHECK,
        json={
            "phone_number": number,
            "name": "Office",
            "address": {**MAIN_ST, "zip_plus_four": "627011504"},
        },
    )
    seeded.delete("/v1/numbers", params={"dids": number})
    assert not seeded.account.e911.exists()
