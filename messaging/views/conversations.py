"""One conversation: its messages oldest to newest (a page of the newest, "earlier messages"
backwards), each outbound message's delivery state, the reply box with the live segment
count and canned replies, and the actions: pick up, transfer, close, reopen. The page polls
`changes/` (see views/inbox.py for why polling) and redraws its messages when the
conversation's `changed_at` moved: a new message, a delivery status, a pickup.

An agent reads only their own conversations and the unassigned ones of their queues; any
other is a 404, the same as another tenant's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from portal.views.base import add_form_errors
from tenants.models import Membership
from tenants.views.base import TenantMixin

from ..forms.inbox import ReplyForm, TransferForm
from ..models import CannedReply, Conversation, Message, MessageQueue
from ..services import conversation_actions as actions
from ..services import conversations as services
from ..services.contacts import contact_names
from .compose import MAX_BODY_BYTES, segment_context
from .inbox import number_labels, parse_stamp

MESSAGES_PER_PAGE = 30


class ConversationMixin:
    model = Conversation

    def get_object(self):
        visible = services.conversations_visible(
            tenant=self.tenant, user=self.request.user, admin=self.access.is_admin
        )
        return get_object_or_404(
            visible.select_related("assignee", "queue", "started_by"), pk=self.kwargs["pk"]
        )

    def back(self):
        return reverse("tenant:conversation", args=[self.tenant.slug, self.object.pk])


def conversation_context(view, conversation: Conversation) -> dict:
    """What the page and its live redraw show: the newest page of messages (or the page
    before `before`), the names, and what the user may do."""
    user, admin = view.request.user, view.access.is_admin
    rows = Message.objects.filter(conversation=conversation).order_by("-created_at", "-pk")
    before = view.request.GET.get("before", "")[:20]
    if before.isdigit():
        anchor = rows.filter(pk=int(before)).values_list("created_at", flat=True).first()
        if anchor is not None:
            from django.db.models import Q

            rows = rows.filter(Q(created_at__lt=anchor) | Q(created_at=anchor, pk__lt=int(before)))
    page = list(rows.select_related("created_by")[: MESSAGES_PER_PAGE + 1])
    earlier = page[MESSAGES_PER_PAGE - 1].pk if len(page) > MESSAGES_PER_PAGE else None
    page = list(reversed(page[:MESSAGES_PER_PAGE]))
    mine = conversation.assignee_id == user.pk
    unassigned = conversation.assignee_id is None
    return {
        "conversation": conversation,
        "since": conversation.changed_at.isoformat(),
        "chat": page,
        "earlier": earlier,
        "contact_name": contact_names(tenant=view.tenant, numbers=[conversation.remote]).get(
            conversation.remote, ""
        ),
        "number_label": number_labels(tenant=view.tenant, numbers=[conversation.our_number]).get(
            conversation.our_number, ""
        ),
        "may_pickup": unassigned and conversation.state == "open",
        "may_work": mine or unassigned or admin,
        "is_admin": admin,
    }


class ConversationView(ConversationMixin, TenantMixin, TemplateView):
    template_name = "messaging/conversation.html"

    def get(self, request, *args, **kwargs):
        actions.conversation_read(conversation=self.object, actor=request.user)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(conversation_context(self, self.object))
        form = kwargs.get("form") or ReplyForm()
        form.fields["text"].widget.attrs.update(
            {
                "hx-post": reverse("tenant:message_segments", args=[self.tenant.slug]),
                "hx-trigger": "input changed delay:150ms",
                "hx-target": "#segment-count",
                "hx-swap": "innerHTML",
            }
        )
        context["form"] = form
        context["segment"] = segment_context(form.data.get("text", "") if form.is_bound else "")
        context["canned"] = CannedReply.objects.filter(tenant=self.tenant)[:200]
        context["transfer_form"] = transfer_form(self.tenant)
        return context


def transfer_form(tenant, data=None) -> TransferForm:
    users = [
        m.user
        for m in Membership.objects.filter(tenant=tenant)
        .select_related("user")
        .order_by("user__full_name", "user__email")[:500]
    ]
    queues = MessageQueue.objects.filter(tenant=tenant)[:200]
    return TransferForm(data, users=users, queues=queues)


class ConversationChangesView(TenantMixin, TemplateView):
    """The conversation page's poll: 204 when the conversation has not changed since the
    page's `since` (the conversation's own row, one query), else its messages and state
    redrawn; when someone else picked it up, a note that it is theirs now."""

    model = Conversation
    template_name = "messaging/conversation_body.html"

    def get_object(self):
        # The tenant's, not only the visible ones: one picked up by someone else is answered
        # with who has it now (the page then stops polling).
        return get_object_or_404(
            Conversation.objects.filter(tenant=self.tenant).select_related(
                "assignee", "queue", "started_by"
            ),
            pk=self.kwargs["pk"],
        )

    def get(self, request, *args, **kwargs):
        conversation = self.object
        since = parse_stamp(request.GET.get("since", ""))
        if since is not None and conversation.changed_at <= since:
            return HttpResponse(status=204)
        visible = services.conversations_visible(
            tenant=self.tenant, user=request.user, admin=self.access.is_admin
        )
        if not visible.filter(pk=conversation.pk).exists():
            return self.render_to_response({"gone": conversation, "tenant": self.tenant})
        if conversation.assignee_id == request.user.pk:
            actions.conversation_read(conversation=conversation, actor=request.user)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(conversation_context(self, self.object))
        return context


class ConversationActionView(ConversationMixin, TenantMixin, View):
    http_method_names = ["post"]
    done = ""

    def act(self):  # pragma: no cover - each view defines it
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            self.act()
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.done)
        return HttpResponseRedirect(self.back())


class ConversationPickupView(ConversationActionView):
    """A pickup that lost the race still finds the conversation (in one of the user's queues)
    so it can say who won, then goes back to the queue list."""

    done = "You picked it up: the conversation is yours."

    def get_object(self):
        rows = Conversation.objects.filter(tenant=self.tenant)
        if not self.access.is_admin:
            rows = rows.filter(queue__in=services.queues_of(self.request.user))
        return get_object_or_404(rows.select_related("assignee"), pk=self.kwargs["pk"])

    def act(self):
        try:
            actions.conversation_pickup(conversation=self.object, actor=self.request.user)
        except ValidationError:
            self.lost = True
            raise

    def back(self):
        if getattr(self, "lost", False):
            return reverse("tenant:inbox", args=[self.tenant.slug]) + "?tab=queues"
        return super().back()


class ConversationCloseView(ConversationActionView):
    done = "Conversation closed. A new message from this person opens it again."

    def act(self):
        actions.conversation_close(conversation=self.object, actor=self.request.user)


class ConversationReopenView(ConversationActionView):
    done = "Conversation reopened."

    def act(self):
        actions.conversation_reopen(conversation=self.object, actor=self.request.user)


class ConversationTransferView(ConversationActionView):
    def act(self):
        form = transfer_form(self.tenant, self.request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors["to"])
        kind, _, pk = form.cleaned_data["to"].partition(":")
        if kind == "user":
            to = Membership.objects.select_related("user").get(tenant=self.tenant, user_id=pk).user
            actions.conversation_transfer(
                conversation=self.object, actor=self.request.user, to_user=to
            )
            self.done = f"Transferred to {to}."
        else:
            queue = MessageQueue.objects.get(tenant=self.tenant, pk=pk)
            actions.conversation_transfer(
                conversation=self.object, actor=self.request.user, to_queue=queue
            )
            self.done = f"Transferred to the queue {queue}: its agents see it now."


class ConversationReplyView(ConversationMixin, TenantMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            messages.error(
                request,
                f"The reply and its file are {length / (1024 * 1024):.1f} MB together; an MMS "
                "carries at most 5 MB. Nothing was sent.",
            )
            return HttpResponseRedirect(self.back())
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("files")
            try:
                actions.conversation_reply(
                    conversation=self.object,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    files=[upload] if upload else (),
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, "Reply queued: it goes out shortly.")
                return HttpResponseRedirect(self.back())
        page = ConversationView()
        page.setup(request, *args, **kwargs)
        page.access, page.tenant, page.object = self.access, self.tenant, self.object
        # The page again with the form's errors inline, as every form here answers.
        return page.render_to_response(page.get_context_data(form=form))
