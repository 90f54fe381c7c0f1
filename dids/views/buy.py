"""Buying numbers: country → region (when the country has them) → city → numbers for sale →
review with fees → checkout, confirmed. The catalogue steps read Wavix live (htmx partials,
5-second timeout, the reason shown in place on failure); the purchase itself is an order that
a task carries out.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from dids import services
from portal.models import WavixAccount
from portal.params import ParamError, optional_int
from portal.views.base import PlatformAdminMixin
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixError
from tenants.models import Tenant

CATALOG_TIMEOUT_SECONDS = 5.0
PER_PAGE = 25


def _int_param(request, name: str, **bounds) -> int | None:
    """A whole-number parameter, or a ValidationError the step shows (never a 500)."""
    try:
        return optional_int(name, request.GET.get(name) or request.POST.get(name), **bounds)
    except ParamError as exc:
        raise ValidationError(f"{name}: {exc.message}") from None


def _account(request) -> WavixAccount:
    account_id = _int_param(request, "account", minimum=1)
    if account_id:
        return get_object_or_404(WavixAccount, pk=account_id)
    account = WavixAccount.objects.order_by("-is_default", "name").first()
    if account is None:
        raise ValidationError("Add a Wavix account first.")
    return account


def _client(account: WavixAccount) -> WavixClient:
    return WavixClient.for_account(account, timeout=CATALOG_TIMEOUT_SECONDS, max_retries=1)


def _flag(request, name: str) -> bool:
    return (request.GET.get(name) or request.POST.get(name)) in {"1", "on", "true"}


class BuyView(PlatformAdminMixin, View):
    """The wizard's page; its steps load into it."""

    def get(self, request):
        accounts = WavixAccount.objects.order_by("-is_default", "name")
        return render(
            request,
            "dids/platform/buy.html",
            {
                "accounts": accounts,
                "account": accounts.first(),
                "tenants": Tenant.objects.active().order_by("name"),
            },
        )


class CatalogStepView(PlatformAdminMixin, View):
    """One step of the catalogue: reads Wavix and renders a partial, or the reason it could
    not."""

    template_name = ""

    def read(self, client: WavixClient, request) -> dict:  # pragma: no cover - per step
        raise NotImplementedError

    def get(self, request):
        try:
            account = _account(request)
            context = self.read(_client(account), request)
        except (WavixError, ValidationError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            return render(request, "dids/platform/_buy_error.html", {"message": message})
        context.update(account=account, sms=_flag(request, "sms"))
        return render(request, self.template_name, context)


class CountriesStep(CatalogStepView):
    template_name = "dids/platform/_buy_countries.html"

    def read(self, client, request):
        return {"countries": client.list_countries(sms_enabled=_flag(request, "sms") or None)}


class AreasStep(CatalogStepView):
    """After a country: its regions if it has them, else its cities."""

    template_name = "dids/platform/_buy_areas.html"

    def read(self, client, request):
        country = request.GET.get("country", "")
        has_regions = request.GET.get("has_regions") in {"1", "true", "True"}
        if has_regions and not request.GET.get("region"):
            return {"country": country, "regions": client.list_regions(country), "cities": None}
        return {
            "country": country,
            "region": request.GET.get("region", ""),
            "regions": None,
            "cities": client.list_cities(country, region_id=request.GET.get("region") or None),
        }


class NumbersStep(CatalogStepView):
    template_name = "dids/platform/_buy_numbers.html"

    def read(self, client, request):
        country, city = request.GET.get("country", ""), request.GET.get("city", "")
        # Wavix takes a 32-bit page number.
        page_number = _int_param(request, "page", minimum=1, maximum=2**31 - 1) or 1
        page = client.list_numbers_for_sale(
            country,
            city,
            sms_enabled=_flag(request, "sms") or None,
            page=page_number,
            per_page=PER_PAGE,
        )
        return {"country": country, "city": city, "page": page}


def _money(value) -> Decimal:
    try:
        return Decimal(str(value or "0"))
    except InvalidOperation:
        return Decimal("0")


class ReviewView(PlatformAdminMixin, View):
    """The chosen numbers with their fees and totals, a tenant pool to put them in, and the
    confirmation."""

    def post(self, request):
        chosen = []
        for value in request.POST.getlist("numbers"):
            number, _, rest = value.partition("|")
            activation, _, monthly = rest.partition("|")
            if number.isdigit():
                chosen.append(
                    {
                        "number": number,
                        "activation_fee": _money(activation),
                        "monthly_fee": _money(monthly),
                    }
                )
        if not chosen:
            messages.error(request, "Choose at least one number to buy.")
            return HttpResponseRedirect(reverse("platform:buy"))
        return render(
            request,
            "dids/platform/buy_review.html",
            {
                "account": _account(request),
                "chosen": chosen,
                "activation_total": sum(c["activation_fee"] for c in chosen),
                "monthly_total": sum(c["monthly_fee"] for c in chosen),
                "tenants": Tenant.objects.active().order_by("name"),
                "tenant_slug": request.POST.get("tenant", ""),
            },
        )


class CheckoutView(PlatformAdminMixin, View):
    def post(self, request):
        account = _account(request)
        numbers = request.POST.getlist("number")
        slug = request.POST.get("tenant", "")
        tenant = Tenant.objects.filter(slug=slug).first() if slug else None
        fees = {
            "activation_total": request.POST.get("activation_total", ""),
            "monthly_total": request.POST.get("monthly_total", ""),
        }
        try:
            order = services.order_buy(
                account=account, numbers=numbers, tenant=tenant, user=request.user, fees=fees
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(reverse("platform:buy"))
        messages.success(request, f"Queued: {order}. They appear in the inventory once bought.")
        return HttpResponseRedirect(reverse("platform:order_list"))
