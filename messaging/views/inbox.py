"""The inbox: an agent's conversations in tabs (mine, my queues' unassigned, all for tenant
admins, closed), searched by number (any typed form) or text, a page at a time; the live
poll that keeps an open inbox current; and "New conversation".

Why polling and not server-sent events: the portal runs on runserver (`make run`) and on
gunicorn's threaded workers (8 threads a process), where one long-lived connection per open
inbox would hold a thread for as long as the page is open; polling needs no connection kept
open, no extra server process, and passes through any proxy or load balancer unchanged. Its
cost is one small request every 2 seconds per open page, answered with a 204 and no body
after one indexed query on `Conversation.changed_at` (about a millisecond): 100 open inboxes
are 50 requests a second of that kind, which one worker serves.
A change reaches the page within the poll interval (2 s), inside the 3 s the issue allows.

Pages are keyset-paginated on (last message time, id), the order of the model's indexes, so
a page costs the same queries at any depth and any size: the rows, their contacts' names and
their numbers' labels, each one query."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, Max, OuterRef, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.generic import FormView, TemplateView

from dids.models import Did, DidNote
from portal.phone import search_digits
from portal.views.base import add_form_errors
from tenants.views.base import TenantMixin

from ..forms.inbox import StartForm
from ..models import CannedReply, Conversation, Message, NumberRoute
from ..services.contacts import contact_names
from ..services.conversation_actions import conversation_start
from ..services.conversations import (
    conversations_visible,
    conversations_watched,
    queues_of,
)

PAGE_SIZE = 25
MAX_QUERY_CHARS = 100
MAX_CURSOR_CHARS = 60
TABS = {
    "mine": "Mine",
    "queues": "Queues",
    "all": "All",
    "closed": "Closed",
}


def parse_stamp(raw: str) -> datetime | None:
    """A `since` or cursor time from the page, bounded before it is parsed; None if it is not
    one (then the page acts as if it had none)."""
    text = str(raw or "")[:MAX_CURSOR_CHARS].replace(" ", "+")
    try:
        return parse_datetime(text)
    except (ValueError, OverflowError):
        return None


class InboxMixin(TenantMixin):
    def tab(self) -> str:
        tab = self.request.GET.get("tab", "")
        if tab not in TABS or (tab == "all" and not self.access.is_admin):
            return "mine"
        return tab

    def visible(self):
        return conversations_visible(
            tenant=self.tenant, user=self.request.user, admin=self.access.is_admin
        )

    def tab_queryset(self, tab: str):
        user = self.request.user
        open_ = Conversation.State.OPEN
        if tab == "mine":
            return Conversation.objects.filter(tenant=self.tenant, assignee=user, state=open_)
        if tab == "queues":
            # Each on its own index: an agent's queues' unassigned, or every unassigned one.
            waiting = Conversation.objects.filter(
                tenant=self.tenant, assignee__isnull=True, state=open_
            )
            if self.access.is_admin:
                return waiting
            return waiting.filter(queue__in=queues_of(user))
        if tab == "all":
            return Conversation.objects.filter(tenant=self.tenant, state=open_)
        return self.visible().filter(state=Conversation.State.CLOSED)

    def searched(self, queryset):
        # A NUL cannot be in a PostgreSQL text (nor in any message): it matches nothing.
        q = self.request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_CHARS]
        if not q:
            return queryset, ""
        digits = search_digits(q)
        if digits is not None:
            return queryset.filter(remote__contains=digits), q
        texts = Message.objects.filter(conversation=OuterRef("pk"), text__icontains=q)
        return queryset.filter(Exists(texts)), q

    def page(self, tab: str):
        queryset, q = self.searched(self.tab_queryset(tab))
        cursor = self.request.GET.get("after", "")[:MAX_CURSOR_CHARS]
        at_text, _, pk_text = cursor.rpartition("_")
        at = parse_stamp(at_text) if cursor else None
        if at is not None and pk_text.isdigit() and len(pk_text) <= 18:
            queryset = queryset.filter(
                Q(last_message_at__lt=at) | Q(last_message_at=at, pk__lt=int(pk_text))
            )
        rows = list(
            queryset.select_related("last_message", "assignee", "queue").order_by(
                "-last_message_at", "-pk"
            )[: PAGE_SIZE + 1]
        )
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        names = contact_names(tenant=self.tenant, numbers=[c.remote for c in rows])
        labels = number_labels(tenant=self.tenant, numbers=[c.our_number for c in rows])
        for c in rows:
            c.contact_name = names.get(c.remote, "")
            c.number_label = labels.get(c.our_number, "")
        after = f"{rows[-1].last_message_at.isoformat()}_{rows[-1].pk}" if more else ""
        return rows, after, q

    def since(self) -> str:
        """The tenant's newest change (one row of the (tenant, changed_at) index), for the
        poll to ask "anything I watch changed after this?"."""
        newest = Conversation.objects.filter(tenant=self.tenant).aggregate(m=Max("changed_at"))["m"]
        return newest.isoformat() if newest else "1970-01-01T00:00:00+00:00"


def number_labels(*, tenant, numbers) -> dict[str, str]:
    """{our number: the tenant's label for it} for one page, in one query."""
    wanted = {int(n) for n in numbers if n and n.isdigit()}
    if not wanted:
        return {}
    rows = DidNote.objects.filter(tenant=tenant, number__in=wanted).exclude(label="")
    return {str(n): label for n, label in rows.values_list("number", "label")}


class InboxView(InboxMixin, TemplateView):
    template_name = "messaging/inbox.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["messaging/inbox_list.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tab = self.tab()
        rows, after, q = self.page(tab)
        query = self.request.GET.copy()
        query.pop("after", None)
        context.update(
            tab=tab,
            tabs={k: v for k, v in TABS.items() if k != "all" or self.access.is_admin},
            conversations=rows,
            after=after,
            q=q,
            querystring=query.urlencode(),
            since=self.since(),
            may_start=may_start(self.tenant, self.request.user, self.access.is_admin),
        )
        return context


class InboxChangesView(InboxMixin, TemplateView):
    """The poll: 204 (htmx leaves the page alone) when nothing the user can see changed since
    the page's `since`, in one indexed query; otherwise the list, redrawn."""

    template_name = "messaging/inbox_list.html"

    def get(self, request, *args, **kwargs):
        since = parse_stamp(request.GET.get("since", ""))
        watched = conversations_watched(
            tenant=self.tenant, user=request.user, admin=self.access.is_admin
        )
        if since is not None and not watched.filter(changed_at__gt=since).exists():
            return HttpResponse(status=204)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tab = self.tab()
        rows, after, q = self.page(tab)
        query = self.request.GET.copy()
        for key in ("after", "since"):
            query.pop(key, None)
        context.update(
            tab=tab,
            conversations=rows,
            after=after,
            q=q,
            querystring=query.urlencode(),
            since=self.since(),
        )
        return context


def start_numbers(tenant, user, admin: bool) -> list[int]:
    """The numbers `user` may start conversations from: those whose rule names them as a
    starter; for a tenant admin every SMS-enabled number of the tenant."""
    from ..services.senders import _tenant_dids

    if admin:
        dids, _ = _tenant_dids(tenant)
        return list(
            dids.filter(sms_enabled=True, status=Did.Status.ACTIVE)
            .order_by("number")
            .values_list("number", flat=True)[:500]
        )
    routes = NumberRoute.objects.filter(tenant=tenant, starters=user).order_by("number")
    return [int(n) for n in routes.values_list("number", flat=True)[:500] if n.isdigit()]


def may_start(tenant, user, admin: bool) -> bool:
    if admin:
        return True
    return NumberRoute.objects.filter(tenant=tenant, starters=user).exists()


class ConversationStartView(TenantMixin, FormView):
    form_class = StartForm
    template_name = "messaging/conversation_start.html"

    def get_form_kwargs(self):
        numbers = start_numbers(self.tenant, self.request.user, self.access.is_admin)
        return {**super().get_form_kwargs(), "numbers": numbers}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["text"].widget.attrs.update(
            {
                "hx-post": reverse("tenant:message_segments", args=[self.tenant.slug]),
                "hx-trigger": "input changed delay:150ms",
                "hx-target": "#segment-count",
                "hx-swap": "innerHTML",
            }
        )
        return form

    def get_context_data(self, **kwargs):
        from .compose import segment_context

        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["has_numbers"] = len(form.fields["our_number"].choices) > 1
        context["segment"] = segment_context(form.data.get("text", "") if form.is_bound else "")
        context["canned"] = CannedReply.objects.filter(tenant=self.tenant)[:200]
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            conversation = conversation_start(
                tenant=self.tenant,
                our_number=data["our_number"],
                remote=data["remote"],
                text=data["text"],
                actor=self.request.user,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Your message to +{conversation.remote} is queued.")
        return HttpResponseRedirect(
            reverse("tenant:conversation", args=[self.tenant.slug, conversation.pk])
        )
