"""Site-wide pages: landing, dashboards, the audit log, the account page, health."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, TemplateView

from dids.models import Did, SyncRun
from portal.filters import AuditEntryFilter
from portal.models import AuditEntry
from portal.views.base import FilteredListView, PlatformAdminMixin, TenantMixin, add_form_errors
from tenants import services as tenant_services
from tenants.access import home_tenant, suspended_memberships, suspension_notice
from tenants.forms import PasswordChangeForm, ProfileForm
from tenants.invitations import pending_invitations_for
from tenants.models import Membership, Tenant, User
from trunks import selectors as trunk_selectors


@login_required
def home(request):
    """System administrators land on the platform; everyone else in their (last) tenant."""
    pending = pending_invitations_for(request.user)
    if pending and request.session.pop("review_invitations", False):
        return redirect("my_invitations")
    if request.user.is_system_admin:
        return redirect("platform:dashboard")
    tenant = home_tenant(request.user)
    if tenant is not None:
        return redirect("tenant:dashboard", tenant_slug=tenant.slug)
    if request.user.is_staff:
        return redirect("admin:index")
    suspended = [suspension_notice(m.tenant) for m in suspended_memberships(request.user)]
    return render(
        request,
        "portal/no_tenant.html",
        {"suspended": suspended, "invitations": pending},
        status=403,
    )


class PlatformDashboardView(PlatformAdminMixin, TemplateView):
    template_name = "portal/platform_dashboard.html"

    def get_context_data(self, **kwargs):
        since = timezone.now() - timedelta(days=13)
        per_day = dict(
            AuditEntry.objects.filter(timestamp__gte=since.replace(hour=0, minute=0, second=0))
            .annotate(day=TruncDate("timestamp"))
            .values_list("day")
            .annotate(n=Count("id"))
        )
        days = [(since + timedelta(days=i)).date() for i in range(14)]
        inventory = dict(Did.objects.values_list("status").annotate(n=Count("id")))
        return super().get_context_data(
            **{
                "tenant_counts": dict(Tenant.objects.values_list("status").annotate(n=Count("id"))),
                "user_count": User.objects.filter(is_active=True).count(),
                "member_count": Membership.objects.count(),
                "recent_changes": AuditEntry.objects.for_list()[:10],
                "inventory": inventory,
                "held": inventory.get("active", 0) + inventory.get("inactive", 0),
                "last_sync": SyncRun.objects.select_related("account").first(),
                "chart_labels": [d.strftime("%b %d") for d in days],
                "chart_values": [per_day.get(d, 0) for d in days],
                "trunks": trunk_selectors.trunk_overview(),
                "calls": trunk_selectors.recent_calls(chart=True),
                **kwargs,
            }
        )


class AuditListMixin:
    model = AuditEntry
    filterset_class = AuditEntryFilter
    template_name = "portal/audit_list.html"
    table_template_name = "portal/_audit_table.html"

    def get_base_queryset(self):
        return AuditEntry.objects.for_list()


class PlatformAuditListView(PlatformAdminMixin, AuditListMixin, FilteredListView):
    pass


class TenantAuditListView(TenantMixin, AuditListMixin, FilteredListView):
    admin_only = True

    def get_filterset_kwargs(self) -> dict:
        # The object types in this tenant's own log, not every audited model.
        return {"types_in_log": True}


class AuditDetailMixin:
    model = AuditEntry
    template_name = "portal/audit_detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(AuditEntry.objects.for_list(), pk=self.kwargs["pk"])


class PlatformAuditDetailView(PlatformAdminMixin, AuditDetailMixin, DetailView):
    pass


class TenantAuditDetailView(TenantMixin, AuditDetailMixin, DetailView):
    admin_only = True


@login_required
def account(request):
    """My profile: everyone changes their own name and password here."""
    posted = request.POST.get("form") if request.method == "POST" else None
    profile = ProfileForm(
        request.POST if posted == "profile" else None,
        initial={"full_name": request.user.full_name},
    )
    form = PasswordChangeForm(request.user, request.POST if posted == "password" else None)
    if posted == "profile" and profile.is_valid():
        try:
            tenant_services.user_update(
                user=request.user,
                acting_user=request.user,
                full_name=profile.cleaned_data["full_name"],
            )
        except ValidationError as exc:
            add_form_errors(profile, exc)
        else:
            messages.success(request, "Your name is saved.")
            return redirect("account")
    if posted == "password" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "Password changed.")
        return redirect("account")
    invalid = profile.errors or form.errors
    return render(
        request,
        "portal/account.html",
        {"form": form, "profile_form": profile},
        status=400 if invalid else 200,
    )


@never_cache
def healthz(request):
    """Database and broker health, for load balancers and monitoring."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        return {"ok": False, "error": exc.__class__.__name__}


def _check_broker() -> dict:
    from django.conf import settings

    from portal.celery import app

    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return {"ok": True, "transport": conn.transport_cls}
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        return {"ok": False, "error": exc.__class__.__name__}


def favicon(request):
    """Pages without our <link rel="icon"> (the Django admin) make browsers ask for this. The
    static URL is read per request: with the manifest storage it exists only after
    collectstatic."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
