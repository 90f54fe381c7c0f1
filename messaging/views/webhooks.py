"""Webhook endpoints (tenant admins): list, create and edit, the secret shown once (after
create and after "Rotate secret", never again), "Send test event", and each endpoint's
delivery log (every attempt) with "Deliver again" on failed deliveries. The demo receiver
(`demo_receiver`) is the portal's own stand-in for a tenant's system."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from django_scopes import scopes_disabled

from portal.views.base import FilteredListView, ObjectActionView, add_form_errors
from tenants.views.base import TenantMixin

from ..filters.routing import DeliveryFilter
from ..forms.routing import WebhookForm
from ..models import TenantWebhook, WebhookDelivery
from ..services import tenant_webhooks as services

DEMO_KEPT = 20
DEMO_MAX_BODY = 65536


def _endpoint(view) -> TenantWebhook:
    return get_object_or_404(TenantWebhook.objects.filter(tenant=view.tenant), pk=view.kwargs["pk"])


def _secret_page(view, endpoint, secret, made: bool):
    # Rendered straight from the POST, never stored for a later page: the one showing.
    return render(
        view.request,
        "messaging/webhook_secret.html",
        {
            "tenant": view.tenant,
            "access": view.access,
            "endpoint": endpoint,
            "secret": secret,
            "made": made,
        },
    )


class WebhookListView(TenantMixin, FilteredListView):
    admin_only = True
    model = TenantWebhook
    filterset_class = None
    template_name = "messaging/webhook_list.html"
    table_template_name = "messaging/webhook_table.html"

    def get_queryset(self):
        self.filterset = None
        return TenantWebhook.objects.filter(tenant=self.tenant).prefetch_related("routes")


class WebhookFormView(TenantMixin, FormView):
    admin_only = True
    model = TenantWebhook
    form_class = WebhookForm
    template_name = "messaging/webhook_form.html"
    object = None

    def get_object(self):
        return _endpoint(self)

    def get_initial(self):
        if self.object is None:
            return {"send_inbound": True, "send_status": True, "is_active": True}
        e = self.object
        return {
            "name": e.name,
            "url": e.url,
            "send_inbound": e.send_inbound,
            "send_status": e.send_status,
            "is_active": e.is_active,
        }

    def form_valid(self, form):
        try:
            endpoint, secret = services.endpoint_save(
                tenant=self.tenant,
                endpoint=self.object,
                actor=self.request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        if secret:
            return _secret_page(self, endpoint, secret, made=True)
        messages.success(self.request, f"Endpoint “{endpoint}” saved.")
        return HttpResponseRedirect(
            reverse("tenant:webhook_detail", args=[self.tenant.slug, endpoint.pk])
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "endpoint": self.object}


class WebhookDetailView(TenantMixin, FilteredListView):
    """The endpoint, how to verify its events, and its delivery log."""

    admin_only = True
    model = TenantWebhook
    filterset_class = DeliveryFilter
    template_name = "messaging/webhook_detail.html"
    table_template_name = "messaging/webhook_deliveries.html"

    def get_object(self):
        return _endpoint(self)

    def get_base_queryset(self):
        return WebhookDelivery.objects.filter(
            tenant=self.tenant, endpoint=self.object
        ).prefetch_related("attempts")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["endpoint"] = self.object
        context["recipe"] = services.SIGNATURE_RECIPE
        context["numbers"] = services.endpoint_in_use(self.object)
        token = demo_token_of(self.object.url)
        context["demo_events"] = cache.get(_demo_key(token), []) if token else None
        return context


class WebhookRotateView(TenantMixin, ObjectActionView):
    admin_only = True
    model = TenantWebhook

    def get_object(self):
        return _endpoint(self)

    def post(self, request, *args, **kwargs):
        secret = services.endpoint_rotate_secret(endpoint=self.object, actor=request.user)
        return _secret_page(self, self.object, secret, made=False)


class WebhookTestView(TenantMixin, ObjectActionView):
    admin_only = True
    model = TenantWebhook
    success_message = "A test event is on its way: its delivery is at the top of the log."

    def get_object(self):
        return _endpoint(self)

    def act(self, obj):
        services.test_event_send(endpoint=obj, actor=self.request.user)
        return obj

    def get_success_url(self, obj):
        return reverse("tenant:webhook_detail", args=[self.tenant.slug, self.object.pk])


class WebhookDeleteView(TenantMixin, ObjectActionView):
    admin_only = True
    model = TenantWebhook
    success_message = "Endpoint “{obj}” deleted with its delivery log."

    def get_object(self):
        return _endpoint(self)

    def act(self, obj):
        label = str(obj)
        services.endpoint_delete(endpoint=obj, actor=self.request.user)
        return label

    def get_success_url(self, obj):
        if isinstance(obj, TenantWebhook):
            return reverse("tenant:webhook_detail", args=[self.tenant.slug, obj.pk])
        return reverse("tenant:webhook_list", args=[self.tenant.slug])


class DeliveryRedeliverView(TenantMixin, ObjectActionView):
    admin_only = True
    model = WebhookDelivery
    success_message = "The delivery is sent again now; it is retried for another 24 hours."

    def get_object(self):
        return get_object_or_404(
            WebhookDelivery.objects.filter(tenant=self.tenant), pk=self.kwargs["pk"]
        )

    def act(self, obj):
        return services.delivery_redeliver(delivery=obj, actor=self.request.user)

    def get_success_url(self, obj):
        return reverse("tenant:webhook_detail", args=[self.tenant.slug, obj.endpoint_id])


# The demo receiver ------------------------------------------------------------------------------


def demo_token_of(url: str) -> str:
    marker = "/hooks/demo-receiver/"
    if marker not in url:
        return ""
    return url.split(marker, 1)[1].strip("/")[:64]


def _demo_key(token: str) -> str:
    return f"messaging:demo-receiver:{token}"


@csrf_exempt
@require_POST
def demo_receiver(request, token: str):
    """What a tenant's system does with an event: checks the signature with the endpoint's
    secret (the endpoint whose URL is this one), then keeps the last events for its page."""
    if len(token) > 64:
        return HttpResponse("Unknown receiver.", status=404, content_type="text/plain")
    body = request.body[: DEMO_MAX_BODY + 1]
    if len(body) > DEMO_MAX_BODY:
        return HttpResponse("The body is over 64 KB.", status=413, content_type="text/plain")
    with scopes_disabled():
        endpoint = TenantWebhook.objects.filter(
            url__endswith=f"/hooks/demo-receiver/{token}/"
        ).first()
    if endpoint is None:
        return HttpResponse("Unknown receiver.", status=404, content_type="text/plain")
    timestamp = request.headers.get("X-Portal-Timestamp", "")[:20]
    signature = request.headers.get("X-Portal-Signature", "")[:100]
    if not services.verify(endpoint.secret, timestamp, signature, body):
        return HttpResponse("Bad signature.", status=401, content_type="text/plain")
    try:
        event = json.loads(body)
    except ValueError:
        return HttpResponse("The body is not JSON.", status=400, content_type="text/plain")
    kept = cache.get(_demo_key(token), [])
    kept.insert(
        0,
        {
            "event": request.headers.get("X-Portal-Event", "")[:40],
            "body": json.dumps(event, indent=2)[:4000],
        },
    )
    cache.set(_demo_key(token), kept[:DEMO_KEPT], timeout=7 * 24 * 3600)
    return JsonResponse({"received": True})
