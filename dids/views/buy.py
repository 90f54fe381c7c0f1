"""Buying numbers: country → region (when the country has them) → city → numbers for sale →
review with fees → checkout, confirmed. The catalogue steps read Wavix live (htmx partials,
5-second timeout, the reason shown in place on failure); the purchase itself is an order that
a task carries out.

What was chosen travels with every step (`BuyState`): the country, region and city stay
selected when the page is shown again, and numbers ticked on one page of offers stay ticked
on the others. Every parameter is checked, its size first, and a bad one is answered by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from dids import services
from dids.ranges import is_digits
from portal.models import WavixAccount
from portal.views.base import PlatformAdminMixin
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixError
from tenants.models import Tenant

CATALOG_TIMEOUT_SECONDS = 5.0
PER_PAGE = 25
# One order buys at most this many numbers (four pages of offers).
MAX_ORDER_NUMBERS = 100
MAX_ID = 2**31 - 1  # Wavix's ids are 32-bit integers
MAX_PAGE = 10_000
_AMOUNT = re.compile(r"\d{1,9}(\.\d{1,6})?")
_SHOWN_CHARS = 40


def _shown(raw: str) -> str:
    """A value as a message quotes it: bounded, with unprintable characters marked."""
    text = "".join(
        c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in raw[:_SHOWN_CHARS]
    )
    return text + ("…" if len(raw) > _SHOWN_CHARS else "")


def _data(request):
    return request.POST if request.method == "POST" else request.GET


def _whole(raw: str, label: str, high: int) -> int:
    if len(raw) <= len(str(high)) and is_digits(raw) and 1 <= int(raw) <= high:
        return int(raw)
    raise ValidationError(f"{label}: “{_shown(raw)}” is not a whole number from 1 to {high}.")


def _catalog_id(request, name: str, label: str) -> int | None:
    raw = _data(request).get(name, "")
    return _whole(raw, label, MAX_ID) if raw else None


def _flag(request, name: str) -> bool:
    return _data(request).get(name, "") in {"1", "on", "true"}


def _account(request) -> WavixAccount:
    pk = _catalog_id(request, "account", "Wavix account")
    if pk is not None:
        account = WavixAccount.objects.filter(pk=pk).first()
        if account is None:
            raise ValidationError(f"Wavix account: there is no account {pk}; choose one listed.")
        return account
    account = WavixAccount.objects.order_by("-is_default", "name").first()
    if account is None:
        raise ValidationError("Add a Wavix account first.")
    return account


def _money(value) -> Decimal:
    """A fee as Wavix gave it, for display and the order's totals (Wavix charges its own)."""
    try:
        amount = Decimal(str(value if value is not None else "0"))
    except InvalidOperation:
        return Decimal("0")
    return amount if amount.is_finite() and amount >= 0 else Decimal("0")


def _amount(raw: str, label: str) -> Decimal:
    if _AMOUNT.fullmatch(raw):
        return Decimal(raw)
    raise ValidationError(f"{label}: “{_shown(raw)}” is not an amount in USD such as 1.50.")


@dataclass(frozen=True)
class Chosen:
    """A number ticked for purchase, with the fees shown beside it."""

    number: str
    activation_fee: Decimal
    monthly_fee: Decimal

    @property
    def value(self) -> str:
        """How the form carries it from step to step."""
        return f"{self.number}|{self.activation_fee}|{self.monthly_fee}"

    @classmethod
    def parse(cls, value: str) -> Chosen:
        parts = value.split("|") if len(value) <= 64 else []
        if len(parts) != 3 or not (is_digits(parts[0]) and len(parts[0]) <= 15):
            raise ValidationError(
                f"Numbers: “{_shown(value)}” is not a number for sale (its digits, activation "
                "fee and monthly fee)."
            )
        number = parts[0]
        return cls(
            number,
            _amount(parts[1], f"Activation fee of +{number}"),
            _amount(parts[2], f"Monthly fee of +{number}"),
        )

    @classmethod
    def offered(cls, item: dict) -> Chosen:
        return cls(
            str(item.get("number") or ""),
            _money(item.get("activation_fee")),
            _money(item.get("monthly_fee")),
        )


def _chosen(request) -> list[Chosen]:
    values = _data(request).getlist("numbers")
    if len(values) > MAX_ORDER_NUMBERS:
        raise ValidationError(
            f"Numbers: {len(values)} chosen; one order buys at most {MAX_ORDER_NUMBERS}."
        )
    chosen = {c.number: c for c in map(Chosen.parse, values)}
    return sorted(chosen.values(), key=lambda c: int(c.number))


@dataclass
class BuyState:
    """What the wizard has chosen so far, checked."""

    account: WavixAccount
    sms: bool = False
    country: int | None = None
    region: int | None = None
    city: int | None = None
    page: int = 1
    chosen: list[Chosen] = field(default_factory=list)

    @classmethod
    def of(cls, request) -> BuyState:
        page = _data(request).get("page", "")
        return cls(
            account=_account(request),
            sms=_flag(request, "sms"),
            country=_catalog_id(request, "country", "Country"),
            region=_catalog_id(request, "region", "State or province"),
            city=_catalog_id(request, "city", "City"),
            page=_whole(page, "Page", MAX_PAGE) if page else 1,
            chosen=_chosen(request),
        )

    def query(self) -> str:
        """The state as the query of the next step's address."""
        pairs = [("account", self.account.pk)]
        pairs += [("sms", "1")] if self.sms else []
        for name in ("country", "region", "city"):
            if getattr(self, name) is not None:
                pairs.append((name, getattr(self, name)))
        pairs += [("numbers", c.value) for c in self.chosen]
        return urlencode(pairs)

    @property
    def chosen_numbers(self) -> set[str]:
        return {c.number for c in self.chosen}


def _client(account: WavixAccount) -> WavixClient:
    return WavixClient.for_account(account, timeout=CATALOG_TIMEOUT_SECONDS, max_retries=1)


def _wizard(request, state: BuyState | None, error: str = "", status: int = 200):
    accounts = WavixAccount.objects.order_by("-is_default", "name")
    account = state.account if state else accounts.first()
    return render(
        request,
        "dids/platform/buy.html",
        {
            "accounts": accounts,
            "account": account,
            "state": state,
            "query": state.query()
            if state
            else urlencode({"account": account.pk if account else ""}),
            "error": error,
        },
        status=status,
    )


def _problem(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class BuyView(PlatformAdminMixin, View):
    """The wizard's page; its steps load into it, with what the address already chose."""

    def get(self, request):
        if not WavixAccount.objects.exists():
            return _wizard(request, None)
        try:
            state = BuyState.of(request)
        except ValidationError as exc:
            return _wizard(request, None, _problem(exc), status=400)
        return _wizard(request, state)


class CatalogStepView(PlatformAdminMixin, View):
    """One step of the catalogue: reads Wavix and renders a partial, or the reason it could
    not (a bad parameter, or Wavix's answer)."""

    template_name = ""

    def read(self, client: WavixClient, state: BuyState, request) -> dict:  # pragma: no cover
        raise NotImplementedError

    def get(self, request):
        try:
            state = BuyState.of(request)
            context = self.read(_client(state.account), state, request)
        except ValidationError as exc:
            return self.error(request, _problem(exc), wavix=False)
        except WavixError as exc:
            return self.error(request, str(exc), wavix=True)
        context.update(state=state, account=state.account, sms=state.sms)
        return render(request, context.pop("template", self.template_name), context)

    def error(self, request, message: str, *, wavix: bool):
        # htmx swaps only a successful answer into the page: the reason is shown in place.
        status = 200 if getattr(request, "htmx", False) else (502 if wavix else 400)
        return render(
            request,
            "dids/platform/_buy_error.html",
            {"message": message, "wavix": wavix},
            status=status,
        )


class CountriesStep(CatalogStepView):
    template_name = "dids/platform/_buy_countries.html"

    def read(self, client, state, request):
        return {"countries": client.list_countries(sms_enabled=state.sms or None)}


class AreasStep(CatalogStepView):
    """After a country: its regions if it has them, else its cities; after a region
    (`part=cities`), the region's cities."""

    template_name = "dids/platform/_buy_areas.html"

    def read(self, client, state, request):
        if state.country is None:
            return {"template": "dids/platform/_buy_hint.html", "hint": "Choose a country."}
        if _data(request).get("part") == "cities":
            if state.region is None:
                return {"template": "dids/platform/_buy_hint.html", "hint": "Choose a region."}
            cities = client.list_cities(state.country, region_id=state.region)
            return {"template": "dids/platform/_buy_cities.html", "cities": cities}
        countries = client.list_countries(sms_enabled=state.sms or None)
        country = next((c for c in countries if str(c.get("id")) == str(state.country)), None)
        if country is None:
            raise ValidationError(f"Country: Wavix offers no country {state.country} here.")
        if country.get("has_provinces_or_states"):
            return {"regions": client.list_regions(state.country), "cities": None}
        return {"regions": None, "cities": client.list_cities(state.country)}


class NumbersStep(CatalogStepView):
    template_name = "dids/platform/_buy_numbers.html"

    def read(self, client, state, request):
        if state.country is None or state.city is None:
            return {"template": "dids/platform/_buy_hint.html", "hint": "Choose a city."}
        page = client.list_numbers_for_sale(
            state.country,
            state.city,
            sms_enabled=state.sms or None,
            page=state.page,
            per_page=PER_PAGE,
        )
        offers = [(item, Chosen.offered(item)) for item in page.items]
        on_page = {choice.number for _, choice in offers}
        return {
            "page": page,
            "offers": offers,
            "chosen_numbers": state.chosen_numbers,
            # Ticked on other pages: carried along, so Next then Previous keeps them.
            "elsewhere": [c for c in state.chosen if c.number not in on_page],
        }


def _review(request, state: BuyState, tenant_slug: str, error: str = ""):
    chosen = state.chosen
    return render(
        request,
        "dids/platform/buy_review.html",
        {
            "account": state.account,
            "chosen": chosen,
            "activation_total": sum((c.activation_fee for c in chosen), Decimal("0")),
            "monthly_total": sum((c.monthly_fee for c in chosen), Decimal("0")),
            "tenants": Tenant.objects.active().order_by("name"),
            "tenant_slug": tenant_slug,
            "wizard_query": state.query(),
            "error": error,
        },
        status=400 if error else 200,
    )


def _tenant(request) -> Tenant | None:
    slug = _data(request).get("tenant", "")
    if not slug:
        return None
    tenant = Tenant.objects.active().filter(slug=slug[:50]).first() if len(slug) <= 50 else None
    if tenant is None:
        raise ValidationError(f"Tenant: “{_shown(slug)}” is not an active tenant; choose one.")
    return tenant


class ReviewView(PlatformAdminMixin, View):
    """The chosen numbers with their fees and totals, a tenant pool to put them in, and the
    confirmation. With nothing chosen, the wizard again as it was, saying so."""

    def post(self, request):
        try:
            state = BuyState.of(request)
        except ValidationError as exc:
            return _wizard(request, None, _problem(exc), status=400)
        if not state.chosen:
            return _wizard(request, state, "Choose at least one number to buy.", status=400)
        return _review(request, state, _data(request).get("tenant", "")[:50])


class CheckoutView(PlatformAdminMixin, View):
    def post(self, request):
        try:
            state = BuyState.of(request)
        except ValidationError as exc:
            return _wizard(request, None, _problem(exc), status=400)
        if not state.chosen:
            return _wizard(request, state, "Choose at least one number to buy.", status=400)
        slug = _data(request).get("tenant", "")[:50]
        try:
            tenant = _tenant(request)
            order = services.order_buy(
                account=state.account,
                numbers=[c.number for c in state.chosen],
                tenant=tenant,
                user=request.user,
                fees={
                    "activation_total": str(sum(c.activation_fee for c in state.chosen)),
                    "monthly_total": str(sum(c.monthly_fee for c in state.chosen)),
                },
            )
        except ValidationError as exc:
            return _review(request, state, slug, _problem(exc))
        messages.success(request, f"Queued: {order}. They appear in the inventory once bought.")
        return HttpResponseRedirect(reverse("platform:order_list"))
