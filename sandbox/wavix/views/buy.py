"""/v1/buy: browsing Wavix's stock, the cart and its checkout."""

from django.http import HttpRequest, JsonResponse

from .. import payloads, selectors
from ..errors import ApiError, not_found
from ..http import body, endpoint, ok, paginate, query
from ..models import SandboxAccount, SandboxCountry, SandboxRegion
from ..services.buying import cart_add, cart_checkout, cart_remove


def _text_only(request: HttpRequest) -> bool:
    return bool(query(request).bool("text_enabled_only", default=False))


def _country(country_id: int) -> SandboxCountry:
    country = SandboxCountry.objects.filter(pk=country_id).first()
    if country is None:
        raise not_found("Country")
    return country


def countries(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    rows = selectors.countries(text_enabled_only=_text_only(request))
    return ok({"countries": [payloads.country(c) for c in rows]})


def regions(request: HttpRequest, account: SandboxAccount, country_id: int) -> JsonResponse:
    country = _country(country_id)
    if not country.has_provinces_or_states:
        raise ApiError(422, f"{country.name} has no regions: list its cities instead")
    rows = country.regions.all()
    if _text_only(request):
        rows = rows.filter(cities__stock__sms_enabled=True).distinct()
    return ok({"regions": [{"id": r.pk, "name": r.name} for r in rows]})


def cities(request: HttpRequest, account: SandboxAccount, country_id: int) -> JsonResponse:
    country = _country(country_id)
    rows = selectors.cities(text_enabled_only=_text_only(request), country=country)
    return ok({"cities": [payloads.city(c) for c in rows]})


def region_cities(
    request: HttpRequest, account: SandboxAccount, country_id: int, region_id: int
) -> JsonResponse:
    region = SandboxRegion.objects.filter(pk=region_id, country=_country(country_id)).first()
    if region is None:
        raise not_found("Region")
    rows = selectors.cities(text_enabled_only=_text_only(request), region=region)
    return ok({"cities": [payloads.city(c) for c in rows]})


def dids(
    request: HttpRequest, account: SandboxAccount, country_id: int, city_id: int
) -> JsonResponse:
    city = _country(country_id).cities.filter(pk=city_id).first()
    if city is None:
        raise not_found("City")
    rows = selectors.stock_for_list().filter(city=city)
    if _text_only(request):
        rows = rows.filter(sms_enabled=True)
    # Numbers already in someone's cart are still for sale until checked out.
    return ok(paginate(request, rows, "dids", payloads.stock_number))


def _ids(request: HttpRequest) -> list[str]:
    params = body(request)
    params.only(("ids",))
    return params.strings("ids", required=True, nonempty=True)


def cart_view(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    return ok({"dids": _cart(account), "doc_types": payloads.doc_types()})


def _cart(account: SandboxAccount) -> list[dict]:
    rows = selectors.stock_for_list().filter(sandboxcartitem__account=account)
    return [payloads.stock_number(s) for s in rows.order_by("sandboxcartitem__added_at")]


def cart_put(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    cart_add(account=account, ids=_ids(request))
    return ok(_cart(account))


def cart_delete(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    cart_remove(account=account, ids=_ids(request))
    return ok({"success": True})


def checkout(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    cart_checkout(account=account, ids=_ids(request))
    return ok({"success": True}, status=201)


countries_view = endpoint(GET=countries)
regions_view = endpoint(GET=regions)
cities_view = endpoint(GET=cities)
region_cities_view = endpoint(GET=region_cities)
dids_view = endpoint(GET=dids)
cart = endpoint(GET=cart_view, PUT=cart_put, DELETE=cart_delete)
cart_checkout_view = endpoint(POST=checkout)
