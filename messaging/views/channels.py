"""Channels for system administrators: the list (state at a glance), the form, pause and
resume, delete (confirmed), the webhook address to copy, a test send whose page follows the
message as the provider answers and reports, and the debug log. Views save and queue; they
never wait on the provider."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, FormView

from portal.jobs.models import ACTIVE_STATES
from portal.views.base import (
    FilteredListView,
    ObjectActionView,
    PartialMixin,
    PlatformAdminMixin,
    ServiceFormMixin,
    add_form_errors,
)

from ..filters.channel_log import ChannelLogFilter
from ..filters.channels import ChannelFilter
from ..forms.channels import TestSendForm, channel_form_for
from ..hooks import dlr_url, inbound_url
from ..models import (
    Channel,
    ChannelKind,
    ChannelLogEntry,
    Message,
    MessageEvent,
    MessageSource,
    Outbox,
)
from ..providers import provider_class
from ..providers.http import CHECK_READ_TIMEOUT
from ..selectors import NONE_RECENT, recent_delivery
from ..services import channels as services
from ..services import relay
from ..services.channels import SETTINGS, channel_numbers

DRIFT_PAGE = 25


def channel_or_404(pk) -> Channel:
    return get_object_or_404(Channel.objects.select_related("wavix_account"), pk=pk)


class ChannelListView(PlatformAdminMixin, FilteredListView):
    model = Channel
    filterset_class = ChannelFilter
    template_name = "messaging/channel_list.html"
    table_template_name = "messaging/channel_table.html"

    def get_base_queryset(self):
        queued = (
            Outbox.objects.filter(channel=OuterRef("pk"), status__in=ACTIVE_STATES)
            .order_by()
            .values("channel")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            Channel.objects.select_related("wavix_account")
            .annotate(
                queued=Coalesce(Subquery(queued), 0),
                balance_value=F("balance__balance"),
                balance_alerting=F("balance__alerting"),
            )
            .order_by("name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The page's channels in one grouped query, not one per row.
        channels = context["object_list"]
        recent = recent_delivery(channel_ids=[c.pk for c in channels])
        for channel in channels:
            channel.recent_delivery = recent.get(channel.pk, NONE_RECENT)
        return context


class ChannelFormView(PlatformAdminMixin, ServiceFormMixin, FormView):
    """A channel's settings. A new one is of the kind chosen at the top of the page
    (`?kind=`, Wavix by default); a channel keeps its kind."""

    template_name = "messaging/channel_form.html"
    success_message = "Channel “{obj}” saved."

    def get_object(self):
        return channel_or_404(self.kwargs["pk"]) if "pk" in self.kwargs else None

    @property
    def channel(self) -> Channel | None:
        return getattr(self, "object", None)

    @property
    def kind(self) -> str:
        if self.channel is not None:
            return self.channel.kind
        asked = self.request.GET.get("kind", "")
        return asked if asked in ChannelKind.values else ChannelKind.WAVIX

    def get_form_class(self):
        return channel_form_for(self.kind)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": self.channel is not None}

    def get_initial(self):
        if self.channel is None:
            form_class = self.get_form_class()
            if hasattr(form_class, "initial_from_query"):
                return {**super().get_initial(), **form_class.initial_from_query(self.request.GET)}
            return super().get_initial()
        initial = {name: getattr(self.channel, name) for name in SETTINGS}
        initial["numbers"] = self.channel.numbers
        form_class = self.get_form_class()
        if hasattr(form_class, "initial_from"):
            initial.update(form_class.initial_from(self.channel))
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**{"channel": self.channel, **kwargs})
        context["kind"] = self.kind
        context["kinds"] = ChannelKind.choices
        form = context["form"]
        own = set(form.kind_field_names()) if hasattr(form, "kind_field_names") else set()
        context["common_fields"] = [f for f in form.visible_fields() if f.name not in own]
        context["kind_fields"] = [f for f in form.visible_fields() if f.name in own]
        context["kind_label"] = ChannelKind(self.kind).label
        context["presets"] = getattr(form, "presets", ())
        if self.channel is not None:
            context["dlr_url"] = dlr_url(self.channel)
            context["numbers"] = channel_numbers(self.channel)[:50]
            context["inbound_url"] = inbound_url(self.channel)
            if self.kind == ChannelKind.WAVIX:
                context.update(self.inbound_context())
            else:
                provider = provider_class(self.kind)
                context["setup_template"] = provider.setup_template
                context["setup"] = provider(self.channel).setup_notes(
                    inbound_url=context["inbound_url"], dlr_url=context["dlr_url"]
                )
        return context

    def inbound_context(self) -> dict:
        """The inbound address, the drift (pooled SMS numbers pointing elsewhere or nowhere,
        paginated) and the latest inbound-address jobs."""
        from django.conf import settings
        from django.core.paginator import Paginator

        drift = relay.pointed_elsewhere(account_id=self.channel.wavix_account_id)
        page = Paginator(drift, DRIFT_PAGE).get_page(self.request.GET.get("drift_page"))
        return {
            "inbound_url": inbound_url(self.channel),
            "drift_page": page,
            "relay_jobs": relay.relay_jobs_of(self.channel)[:3],
            "sandbox_enabled": settings.WAVIX_SANDBOX_ENABLED,
        }

    def perform(self, form):
        own = {}
        if hasattr(form, "kind_settings"):
            config, credentials = form.kind_settings()
            own = {"config": config, "credentials": credentials}
        if self.kind != ChannelKind.WAVIX:
            own["numbers"] = form.cleaned_data.get("numbers") or ""
        if self.channel is None:
            return services.channel_create(
                kind=self.kind,
                wavix_account=form.cleaned_data.get("wavix_account"),
                **own,
                **form.settings(),
            )
        return services.channel_update(channel=self.channel, **own, **form.settings())

    def get_success_url(self):
        return reverse("platform:channel_edit", args=[self.result.pk])


class ChannelActionView(PlatformAdminMixin, ObjectActionView):
    def get_object(self):
        return channel_or_404(self.kwargs["pk"])

    def get_success_url(self, obj):
        if self.request.POST.get("back") == "list":
            return reverse("platform:channel_list")
        return reverse("platform:channel_edit", args=[obj.pk])


class ChannelPauseView(ChannelActionView):
    success_message = "Channel “{obj}” paused: its messages wait in the queue."

    def act(self, obj):
        return services.channel_pause(channel=obj, reason=self.request.POST.get("reason", "")[:255])


class ChannelResumeView(ChannelActionView):
    success_message = "Channel “{obj}” resumed: its queued messages go out at its rate."

    def act(self, obj):
        return services.channel_resume(channel=obj)


class ChannelRotateTokenView(ChannelActionView):
    success_message = (
        "Channel “{obj}” has a new delivery-report address; the old one no longer answers."
    )

    def act(self, obj):
        return services.channel_rotate_token(channel=obj, which="dlr")


class ChannelRotateInboundView(ChannelActionView):
    success_message = (
        "Channel “{obj}” has a new inbound address; the old one no longer answers (a Wavix "
        "channel's pooled numbers are pointed at it by themselves)."
    )

    def act(self, obj):
        channel = services.channel_rotate_token(channel=obj, which="inbound")
        if channel.kind == ChannelKind.WAVIX:
            relay.relay_fix_drift(channel=channel)
        return channel


class ChannelRelayFixView(ChannelActionView):
    success_message = "Pointing the numbers of “{obj}” here: the job's progress is below."

    def act(self, obj):
        relay.relay_fix_drift(channel=obj)
        return obj


class ChannelBalanceCheckView(ChannelActionView):
    """ "Run test" of a gateway's balance check: the gateway is asked now, the person waiting
    (outside any transaction, with the short read timeout of a check, CHECK_READ_TIMEOUT),
    and its parsed balance or the error shown."""

    def act(self, obj):
        from ..services.balance import balance_check

        if obj.kind != ChannelKind.GATEWAY or not (obj.config or {}).get("balance_url"):
            raise ValidationError("This channel has no balance check address.")
        row = balance_check(channel=obj, read_timeout=CHECK_READ_TIMEOUT)
        if row.error:
            raise ValidationError(f"The balance check failed: {row.error}")
        self.success_message = f"The gateway answered: the balance is {row.balance.normalize():f}."
        return obj


class ChannelDeleteView(ChannelActionView):
    success_message = (
        "Channel “{obj}” deleted; its numbers' inbound address on Wavix is being cleared."
    )

    def act(self, obj):
        services.channel_delete(channel=obj)
        return obj

    def get_success_url(self, obj):
        if Channel.objects.filter(pk=obj.pk).exists():
            return reverse("platform:channel_edit", args=[obj.pk])
        return reverse("platform:channel_list")


class ChannelTestView(PlatformAdminMixin, FormView):
    """The test send: from one of the channel's SMS-enabled numbers to any number."""

    form_class = TestSendForm
    template_name = "messaging/channel_test.html"

    def get_object(self):
        return channel_or_404(self.kwargs["pk"])

    def get_form_kwargs(self):
        numbers = list(channel_numbers(self.object).values_list("number", flat=True)[:500])
        return {**super().get_form_kwargs(), "numbers": numbers}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**{"channel": self.object, **kwargs})
        context["recent"] = Message._base_manager.filter(
            channel=self.object, source=MessageSource.TEST
        ).order_by("-created_at")[:10]
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            message = services.channel_test_send(
                channel=self.object,
                sender=data["sender"],
                recipient=data["recipient"],
                text=data["text"],
                user=self.request.user,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        return HttpResponseRedirect(
            reverse("platform:channel_test_message", args=[self.object.pk, message.pk])
        )


class ChannelTestMessageView(PlatformAdminMixin, PartialMixin, DetailView):
    """One test message, its provider's answer and each delivery report, polled while it is
    not final."""

    template_name = "messaging/channel_test_message.html"
    table_template_name = "messaging/channel_test_events.html"
    context_object_name = "message"

    def get_object(self, queryset=None):
        channel = channel_or_404(self.kwargs["pk"])
        message = get_object_or_404(
            Message._base_manager.select_related("channel"),
            pk=self.kwargs["message_pk"],
            channel=channel,
            tenant__isnull=True,
            source=MessageSource.TEST,
        )
        self.channel = channel
        return message

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        message = self.object
        context["channel"] = self.channel
        events = list(MessageEvent._base_manager.filter(message=message))
        for event in events:
            event.detail_json = json.dumps(event.detail, indent=2, ensure_ascii=False)
        context["events"] = events
        context["outbox"] = Outbox.objects.filter(message=message).first()
        context["polling"] = not message.is_final
        return context


class ChannelLogView(PlatformAdminMixin, FilteredListView):
    """The debug log: the last requests to the providers and their answers, per channel
    (`?channel=`)."""

    model = ChannelLogEntry
    filterset_class = ChannelLogFilter
    template_name = "messaging/channel_log.html"
    table_template_name = "messaging/channel_log_table.html"

    def get_base_queryset(self):
        return ChannelLogEntry.objects.select_related("channel")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        chosen = form.cleaned_data.get("channel") if form.is_valid() else None
        context["channel"] = chosen
        return context
