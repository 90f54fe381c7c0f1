"""The "simulate inbound" page (`make run`'s visitors): pick one of the sandbox account's
SMS-enabled numbers, type the sender and the text (and an image address for MMS), and the
sandbox posts Wavix's `InboundMessage` to the number's `sms_relay_url`, as Wavix's operator
would, then shows the answer it got. Signed-in users only; the post goes from this request
(under `runserver`, threaded, to the same server) with the sandbox's short callback timeout."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.validators import URLValidator
from django.views.generic import FormView

from portal.forms import Form

from ..accounts import account_for_key
from ..errors import ApiError
from ..models import SandboxMessage, SandboxNumber
from ..params import Invalid
from ..services.messaging import message_receive
from ..services.webhooks import webhooks_deliver_pending

MAX_TEXT = 1600
RECENT = 10


class SimulateInboundForm(Form):
    to = forms.ChoiceField(label="To (the account's number)")
    sender = forms.CharField(
        label="From",
        max_length=20,
        initial="+16468097065",
        help_text="The sender's number in E.164, e.g. +1 646 809 7065.",
    )
    text = forms.CharField(
        label="Text",
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Try STOP, START or HELP to see the keyword replies.",
    )
    media = forms.CharField(
        label="Image address (MMS, optional)",
        max_length=500,
        required=False,
        validators=[URLValidator(schemes=["http", "https"])],
    )

    def __init__(self, *args, numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(n.number, f"+{n.number}") for n in numbers]

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("media"):
            self.add_error("text", "Write a text, or give an image address (MMS).")
        return data


class SimulateInboundView(LoginRequiredMixin, FormView):
    form_class = SimulateInboundForm
    template_name = "wavix_sandbox/simulate_inbound.html"

    def dispatch(self, request, *args, **kwargs):
        self.account = account_for_key(settings.WAVIX_SANDBOX_API_KEY)
        return super().dispatch(request, *args, **kwargs)

    def numbers(self):
        if self.account is None:
            return SandboxNumber.objects.none()
        return self.account.numbers.filter(sms_enabled=True).order_by("number")[:500]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "numbers": self.numbers()}

    def get_context_data(self, **kwargs):
        recent = SandboxMessage.objects.none()
        if self.account is not None:
            recent = (
                SandboxMessage.objects.filter(
                    account=self.account, direction=SandboxMessage.Direction.INBOUND
                )
                .prefetch_related("webhooks__tries")
                .order_by("-submitted_at", "-id")[:RECENT]
            )
        return super().get_context_data(account=self.account, recent=recent, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            message = message_receive(
                account=self.account,
                to=data["to"],
                sender=data["sender"],
                text=data["text"],
                media=[data["media"]] if data["media"] else None,
                enqueue=False,
            )
        except Invalid as exc:
            form.add_error("sender" if exc.args and "from" in str(exc) else None, str(exc))
            return self.form_invalid(form)
        except ApiError as exc:
            form.add_error("to", str(exc))
            return self.form_invalid(form)
        webhooks_deliver_pending(message=message)
        webhook = message.webhooks.first()
        attempt = webhook.tries.last() if webhook is not None else None
        context = self.get_context_data(
            form=self.form_class(
                numbers=self.numbers(), initial={"to": data["to"], "sender": data["sender"]}
            ),
            sent=message,
            webhook=webhook,
            attempt=attempt,
        )
        return self.render_to_response(context)
