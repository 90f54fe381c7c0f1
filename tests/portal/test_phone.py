"""Numbers typed as people write them: one reader (portal/phone.py) for pools, who-owns,
searches, trunk caller IDs and E911, with a named rule for every refusal."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from dids import services
from dids.ranges import Pool
from portal import phone

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


@pytest.mark.parametrize(
    ("number", "region"),
    [
        (18765550100, "JM"),  # +1 876: Jamaica, though it starts with the US country code
        (14165550123, "CA"),
        (16468097065, "US"),
        (18005550100, "US"),
        (17875550100, "PR"),
        (442071838750, "GB"),
        (12000000000, None),  # area code 200 is not assigned
    ],
)
def test_the_region_of_a_number_comes_from_the_numbering_plan(number, region):
    assert phone.region_of(number) == region
    assert phone.region_of(f"+{number}") == region


def test_the_type_of_a_number_comes_from_the_numbering_plan():
    assert phone.type_of(18005550100) == phone.PhoneNumberType.TOLL_FREE
    assert phone.is_toll_free(18778230012) and not phone.is_toll_free(16468097065)
    assert phone.is_geographic(16468097065) and phone.is_geographic(447911123456)
    assert phone.type_of(19005550100) == phone.PhoneNumberType.PREMIUM_RATE
    assert phone.type_of(10000000000) == phone.PhoneNumberType.UNKNOWN


def test_the_north_american_plan_is_country_code_one_with_the_caribbean_in_it():
    assert phone.is_nanp(18765550100) and phone.is_nanp(14165550123)
    assert not phone.is_nanp(442071838750)
    assert {"US", "CA", "JM", "PR"} <= set(phone.nanp_regions())
    assert phone.nanp_prefixes("JM") == ("658", "876")
    assert phone.nanp_prefixes("US") == ()
    assert phone.nanp_toll_free_prefixes() == ("800", "833", "844", "855", "866", "877", "888")
    assert phone.nanp_spans(("876",)) == [(18760000000, 18769999999)]
    assert phone.region_name("JM") == "Jamaica"


def test_a_number_is_shown_in_one_of_three_forms():
    assert phone.e164(13125550150) == "+13125550150"
    assert phone.e164("+13125550150") == "+13125550150"
    assert phone.e164("anonymous") == "anonymous"
    assert phone.display(13125550150) == "+1 312-555-0150"
    assert phone.display_national(13125550150) == "(312) 555-0150"
    assert phone.display_national(442071838750) == "020 7183 8750"


def test_the_storage_form_is_e164_digits_without_the_plus():
    assert phone.storage_form("+16468097065") == "16468097065"
    assert phone.storage_form(16468097065) == "16468097065"
    assert phone.storage_form(" sip:alice ") == "sip:alice"
    assert phone.storage_form(None) == ""


def test_a_stored_or_provider_sent_number_is_read_as_e164_digits_only():
    assert phone.from_storage("+16468097065") == 16468097065
    assert phone.from_storage(" 16468097065 ") == 16468097065
    assert phone.from_storage("1646809706²") is None  # a digit to str.isdigit, not to int
    assert phone.from_storage("1" * 16) is None
    assert phone.from_storage("anonymous") is None
    assert phone.from_storage(None) is None
    assert phone.number_digits("+1 646 809 7065") == "16468097065"
    assert phone.number_digits("+1-646") is None


@pytest.mark.parametrize(
    ("typed", "region", "number"),
    [
        ("(312) 555-0150", "US", 13125550150),
        ("312.555.0150", "us", 13125550150),
        ("020 7183 8750", "GB", 442071838750),
        ("+1 (312) 555-0150", "GB", 13125550150),  # a country code wins over the region
    ],
)
def test_a_national_form_is_read_in_the_region_it_is_written_in(typed, region, number):
    assert phone.parse(typed, region=region) == number


def test_without_a_region_a_national_form_is_still_refused():
    with pytest.raises(phone.NumberError, match="has no country code"):
        phone.parse("(312) 555-0150")


@given(st.integers(min_value=12_000_000_000, max_value=19_999_999_999))
def test_a_valid_number_reads_back_from_each_way_it_is_shown(n):
    assert phone.storage_form(phone.e164(n)) == str(n)
    if phone.is_valid(n):
        assert phone.parse(phone.display(n)) == n
        assert phone.parse(phone.display_national(n), region=phone.region_of(n)) == n
        assert phone.region_of(n) in phone.nanp_regions()


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


@pytest.mark.django_db
def test_the_call_records_number_filter_reads_a_number_as_typed(world):
    from portal.models import WavixAccount
    from tests.factories import call_record, days_ago

    account = WavixAccount.objects.create(name="Main", api_key="k" * 20)
    call_record(account, tenant=world.a, started_at=days_ago(1), from_number="13125550150")
    call_record(account, tenant=world.a, started_at=days_ago(1), from_number="12025550100")
    client = login(world.sysadmin)
    response = client.get("/platform/calls/", {"number": "+1 (312) 555-0150"})
    assert response.context["totals"].calls == 1


def test_a_huge_segment_is_refused_before_its_dashes_are_tried():
    import time

    text = "1-" * 200_000 + "1"
    started = time.perf_counter()
    with pytest.raises(ValueError, match="longer than 100 characters"):
        Pool.parse(text, number=phone.check)
    assert time.perf_counter() - started < 1
