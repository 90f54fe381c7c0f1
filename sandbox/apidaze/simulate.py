"""The "simulate inbound" page (`make run`'s visitors, signed in): someone texts one of the
fake's numbers. Pick the number, check its messaging webhook (as set in Apidaze's console:
changing it here sets it on the number), type the sender and the text (and a file address
for an MMS), and the fake posts the message there in Apidaze's format, then shows the
answer it got. The post goes from this request, with the fake's short callback timeout."""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.validators import URLValidator
from django.views.generic import FormView

from portal.forms import Form

from .models import ApidazeCallback, ApidazeMessage, ApidazeNumber
from .services import Refused, callback_deliver, inbound_receive

RECENT = 10


class SimulateInboundForm(Form):
    to = forms.ChoiceField(label="To (the fake's number)")
    webhook_url = forms.URLField(
        label="Messaging webhook of the number",
        max_length=500,
        assume_scheme="https",
        help_text="The address set on the number in Apidaze: the channel's inbound webhook.",
    )
    sender = forms.CharField(
        label="From", max_length=20, initial="+16468097065", help_text="In E.164."
    )
    text = forms.CharField(
        label="Text", max_length=1600, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    media = forms.CharField(
        label="File address (MMS, optional)",
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
            self.add_error("text", "Write a text, or give a file address (MMS).")
        return data


class SimulateInboundView(LoginRequiredMixin, FormView):
    form_class = SimulateInboundForm
    template_name = "apidaze_sandbox/simulate_inbound.html"

    def numbers(self, *, with_webhook: bool = False):
        numbers = ApidazeNumber.objects.select_related("account").order_by("number")
        if with_webhook:
            numbers = numbers.exclude(webhook_url="")
        return numbers[:500]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "numbers": self.numbers()}

    def get_initial(self):
        first = self.numbers(with_webhook=True).first()
        if first is None:
            return super().get_initial()
        return {"to": first.number, "webhook_url": first.webhook_url}

    def get_context_data(self, **kwargs):
        recent = (
            ApidazeMessage.objects.filter(direction=ApidazeMessage.Direction.INBOUND)
            .prefetch_related("callbacks")
            .order_by("-created_at")[:RECENT]
        )
        return super().get_context_data(recent=recent, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        number = ApidazeNumber.objects.get(number=data["to"])
        if number.webhook_url != data["webhook_url"]:
            ApidazeNumber.objects.filter(pk=number.pk).update(webhook_url=data["webhook_url"])
            number.webhook_url = data["webhook_url"]
        try:
            callback = inbound_receive(
                number=number, sender=data["sender"], text=data["text"], media_url=data["media"]
            )
        except Refused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.form_invalid(form)
        callback_deliver(callback_id=callback.pk)
        callback = ApidazeCallback.objects.get(pk=callback.pk)
        fresh = self.form_class(
            numbers=self.numbers(),
            initial={
                "to": number.number,
                "webhook_url": number.webhook_url,
                "sender": data["sender"],
            },
        )
        return self.render_to_response(self.get_context_data(form=fresh, callback=callback))
