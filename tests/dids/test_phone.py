"""Numbers typed as people write them: one reader (dids/phone.py) for pools, who-owns,
searches, trunk caller IDs and E911, with a named rule for every refusal."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from dids import phone, services
from dids.ranges import Pool

from ..conftest import login


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("+1 212 736 0000", 12127360000),
        ("+1 (312) 555-0150", 13125550150),
        ("+1.312.555.0150", 13125550150),
        ("16468097065", 16468097065),
        ("+44 (0)20 7183 8750", 442071838750),
        ("1 646 809 7065", 16468097065),
    ],
)
def test_numbers_are_read_as_people_write_them(typed, number):
    assert phone.parse(typed) == number


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("123", "“123” has 3 digits; a phone number has at least 8"),
        ("1234567890123456", "has 16 digits; E.164 allows at most 15"),
        ("(312) 555-0150", "has no country code: write it first"),
        ("06468097065", "starts with 0"),
        ("+999 1234 5678", "does not start with a country code"),
        ("100000000000000", "has 14 digits after the country code; numbers of +1 (US"),
        ("1646809706²", "has characters other than digits"),
        ("x" * 5000, "is longer than 40 characters"),
    ],
)
def test_each_refusal_names_the_rule(typed, rule):
    with pytest.raises(phone.NumberError, match=None) as caught:
        phone.parse(typed)
    assert rule in str(caught.value)


@given(st.text(max_size=60))
def test_any_text_is_a_number_or_a_named_rule(text):
    number, rule = phone.check(text)
    assert (number is None) != (rule is None)
    if number is not None:
        assert 8 <= len(str(number)) <= 15


@given(st.integers(min_value=10**10, max_value=19_999_999_999))
def test_plain_digits_and_their_formatted_form_agree(n):
    digits = str(n)
    spaced = f"+{digits[0]} {digits[1:4]} {digits[4:7]} {digits[7:]}"
    assert phone.check(digits)[0] == phone.check(spaced)[0]


def test_number_type_comes_from_the_numbering_plan():
    assert phone.number_type(18005550100) == "Toll-free"
    assert phone.number_type(12127360000) == "Geographic or mobile"
    assert phone.number_type(447911123456) == "Mobile"
    assert phone.number_type(10000000000) == ""


@pytest.mark.django_db
def test_pool_editor_accepts_numbers_as_typed_and_refuses_short_ones(world):
    pool, _ = services.pool_save(tenant=world.a, text="+1 212 736 0000; +1 (312) 555-0150")
    assert pool.spec == "12127360000;13125550150"
    with pytest.raises(ValidationError) as caught:
        services.pool_save(tenant=world.b, text="123")
    assert "“123” has 3 digits; a phone number has at least 8" in str(caught.value)


@pytest.mark.django_db
def test_a_range_over_the_maximum_is_refused_with_the_setting(world, settings):
    settings.DID_POOL_MAX_RANGE_NUMBERS = 1000
    with pytest.raises(ValidationError) as caught:
        services.pool_preview(tenant=world.a, pool=None, text="12000000000-12000001000")
    assert "the range holds 1,001 numbers; at most 1,000 per range" in str(caught.value)
    assert services.pool_preview(tenant=world.a, pool=None, text="12000000000-12000000999").ok


@pytest.mark.django_db
def test_a_pool_over_the_maximum_size_is_refused_in_the_editor(world, settings):
    settings.DID_POOL_MAX_NUMBERS = 1500
    page = login(world.sysadmin).post(
        f"/platform/tenants/{world.a.slug}/pools/new/",
        {"name": "Direct", "numbers": "12000000000-12000000999;12000005000-12000005999"},
    )
    assert "The pool holds 2,000 numbers; at most 1,500 per pool." in page.content.decode()


@pytest.mark.django_db
def test_ninety_billion_numbers_never_reach_the_conflict_check(world):
    page = login(world.sysadmin).post(
        f"/platform/tenants/{world.a.slug}/pools/new/",
        {"name": "Direct", "numbers": "12000000000-19999999999", "action": "preview"},
    )
    assert "the range holds 8,000,000,000 numbers; at most 1,000,000 per range" in (
        page.content.decode()
    )


@pytest.mark.django_db
def test_who_owns_reads_a_formatted_number(world):
    services.pool_save(tenant=world.b, text="13125550100-13125550199")
    client = login(world.sysadmin)
    page = client.get("/platform/numbers/", {"number": "+1 (312) 555-0150"}).content.decode()
    assert "+13125550150</strong> belongs to" in page and "Globex Corporation" in page
    page = client.get("/platform/numbers/", {"number": "123"}).content.decode()
    assert "“123” is not a phone number: it has 3 digits; a phone number has at least 8." in page


@pytest.mark.django_db
def test_tenant_number_search_reads_a_formatted_prefix(world):
    services.pool_save(tenant=world.a, text="13125550150;16468097065")
    page = (
        login(world.agent_a)
        .get(f"/t/{world.a.slug}/numbers/", {"q": "+1 (312) 555"})
        .content.decode()
    )
    assert "+13125550150" in page and "+16468097065" not in page


def test_pure_range_parser_keeps_its_own_digit_rule():
    # dids.ranges stays free of phonenumbers: with its default reader only E.164 digits pass.
    assert Pool.parse("16468097065-16468097066").size == 2
    with pytest.raises(ValueError, match="other than digits"):
        Pool.parse("+1 212 736 0000")


@pytest.mark.django_db
def test_the_maximum_pool_size_holds_in_the_api_and_the_import(world, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..conftest import api_client

    settings.DID_POOL_MAX_NUMBERS = 1500
    text = "12000000000-12000000999;12000005000-12000005999"
    refused = api_client(world.sysadmin, None).post(
        "/api/v1/pools/", {"tenant": "acme", "name": "Big", "numbers": text}, format="json"
    )
    assert refused.status_code == 400
    assert "The pool holds 2,000 numbers; at most 1,500 per pool." in str(refused.json())
    data = f"tenant,pool,numbers\nacme,Big,{text}\n".encode()
    page = login(world.sysadmin).post(
        "/platform/numbers/import/",
        {"file": SimpleUploadedFile("pools.csv", data), "action": "dry_run"},
        follow=True,
    )
    assert "numbers: The pool holds 2,000 numbers; at most 1,500 per pool." in (
        page.content.decode()
    )


@pytest.mark.django_db
def test_the_pool_list_search_reads_a_formatted_number(world):
    services.pool_save(tenant=world.a, text="12127360000-12127360099")
    services.pool_save(tenant=world.b, text="13125550150")
    page = login(world.sysadmin).get("/platform/numbers/", {"q": "+1 (212) 736"}).content.decode()
    assert "Acme Telecom" in page and "Globex Corporation" not in page
