"""Compose: a tenant member writes an SMS (or MMS) and queues it. As the user types, the
page asks the server for the encoding, the segments and what is left in the last one (the
same counting rule the send stores: messaging/segments.py), and shows the characters that
force UCS-2 where they are, so they can be replaced."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django.views.generic import FormView

from portal.views.base import add_form_errors
from tenants.views.base import TenantMixin

from .. import segments
from ..forms.compose import ComposeForm
from ..models import MessageSource
from ..services.sending import MAX_TEXT_CHARS, message_send

# Characters a user may not see as different from GSM-7 ones, with what to type instead.
REPLACEMENTS = {
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u00e7": "Ç",
}


def segment_context(text: str) -> dict:
    """What the compose page shows about a text: the count, and the text cut into pieces
    with each UCS-2 character marked (position, code point, what to type instead)."""
    if len(text) > MAX_TEXT_CHARS:
        return {"too_long": True, "length": len(text), "limit": MAX_TEXT_CHARS}
    count = segments.count(text)
    forcing = {f.position for f in count.forcing}
    pieces, plain = [], []
    for i, ch in enumerate(text):
        if i in forcing:
            if plain:
                pieces.append({"text": "".join(plain)})
                plain = []
            pieces.append(
                {
                    "text": ch,
                    "forcing": True,
                    "position": i + 1,
                    "codepoint": f"U+{ord(ch):04X}",
                    "instead": REPLACEMENTS.get(ch, ""),
                }
            )
        else:
            plain.append(ch)
    if plain:
        pieces.append({"text": "".join(plain)})
    return {
        "count": count,
        "forcing": [p for p in pieces if p.get("forcing")][:20],
        "forcing_total": len(count.forcing),
        "pieces": pieces if count.forcing else [],
    }


# A request body larger than five files at the largest MMS size (and the text) is refused
# before it is parsed, so a huge upload is never written to disk.
MAX_BODY_BYTES = 5 * 5 * 1024 * 1024 + 64 * 1024


class ComposeView(TenantMixin, FormView):
    template_name = "messaging/compose.html"
    form_class = ComposeForm

    def post(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            refusal = (
                f"The message and its files are {length / (1024 * 1024):.1f} MB together; an MMS "
                "carries at most 5 files of 5 MB. Nothing was sent."
            )
            context = self.get_context_data(form=self.get_form_class()(tenant=self.tenant))
            return self.render_to_response({**context, "refusal": refusal}, status=413)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "tenant": self.tenant}

    def get_initial(self):
        initial = super().get_initial()
        for name in ("sender_id", "recipient"):
            value = self.request.GET.get(name, "")
            if value and len(value) <= 40:
                initial[name] = value
        return initial

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
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["has_senders"] = len(form.fields["sender_id"].widget.choices) > 1
        text = form.data.get("text", "") if form.is_bound else ""
        context["segment"] = segment_context(text)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            message = message_send(
                tenant=self.tenant,
                sender_id=data["sender_id"],
                recipient=data["recipient"],
                text=data["text"],
                media=data["media"],
                files=data["files"],
                source=MessageSource.UI,
                actor=self.request.user,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        kind = "MMS" if message.is_mms else f"{message.segments}-segment {message.encoding} SMS"
        messages.success(
            self.request, f"Your {kind} to +{message.recipient} is queued; it goes out shortly."
        )
        if self.access.is_admin:
            url = reverse("tenant:message_detail", args=[self.tenant.slug, message.pk])
        else:
            url = reverse("tenant:compose", args=[self.tenant.slug])
        return HttpResponseRedirect(url)


class SegmentCountView(TenantMixin, View):
    """The count as the user types (htmx): a partial, no write."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        text = request.POST.get("text", "")
        return render(
            request, "messaging/message_segments.html", {"segment": segment_context(text)}
        )
