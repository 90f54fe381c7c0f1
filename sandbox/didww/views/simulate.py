"""The "simulate inbound" page (`make run`'s visitors): DIDWW's HTTP IN trunk delivering a
message someone texted to one of the customer's numbers. Pick the request URL (a DIDWW
channel's inbound webhook), the body template and the message (a quote or a new line shows
the portal's tolerance of the broken JSON DIDWW then sends); the first attempt goes from this
request and its answer is shown, the retries (up to an hour) go to the worker."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.validators import URLValidator
from django.http import Http404
from django.views.generic import FormView

from portal.forms import Form

from ..models import SandboxDelivery
from ..services.inbound import MAX_TEXT, inbound_deliver
from ..trunks import SEED_TEMPLATE, UUID_TEMPLATE, demo_trunk

RECENT = 10
TEMPLATES = {"seed": SEED_TEMPLATE, "uuid": UUID_TEMPLATE}


class SimulateInboundForm(Form):
    url = forms.CharField(
        label="Request URL (the channel's inbound webhook)",
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    template = forms.ChoiceField(
        label="Request body",
        choices=[("seed", "The seed's template"), ("uuid", "The template with {SMS_UUID}")],
    )
    to = forms.CharField(label="To (the DID)", max_length=20, initial="+13325550100")
    sender = forms.CharField(label="From", max_length=20, initial="+16468097065")
    text = forms.CharField(
        label="Text",
        max_length=MAX_TEXT,
        initial='Hi! Say "yes"\nor no.',
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Quotes and new lines go in raw, as DIDWW puts {SMS_TEXT} in.",
    )

    def clean(self):
        data = super().clean()
        for name in ("to", "sender"):
            if name not in data:
                continue
            value = re.sub(r"[\s().-]", "", data[name]).lstrip("+")
            if not (value.isascii() and value.isdigit() and 7 <= len(value) <= 15):
                self.add_error(name, f"“{data[name]}” must be a number in E.164 (7 to 15 digits).")
            else:
                data[name] = value  # as DIDWW writes it: digits without +
        return data


class SimulateInboundView(LoginRequiredMixin, FormView):
    form_class = SimulateInboundForm
    template_name = "didww_sandbox/simulate_inbound.html"

    def dispatch(self, request, *args, **kwargs):
        if not settings.WAVIX_SANDBOX_ENABLED:
            raise Http404("The sandbox is disabled")
        self.trunk = demo_trunk()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        template = "uuid" if "{SMS_UUID}" in self.trunk.inbound_template else "seed"
        return {"url": self.trunk.inbound_url, "template": template}

    def get_context_data(self, **kwargs):
        recent = SandboxDelivery.objects.filter(kind=SandboxDelivery.Kind.INBOUND)[:RECENT]
        return super().get_context_data(recent=recent, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        delivery = inbound_deliver(
            trunk=self.trunk,
            url=data["url"],
            template=TEMPLATES[data["template"]],
            sender=data["sender"],
            recipient=data["to"],
            text=data["text"],
        )
        return self.render_to_response(self.get_context_data(form=form, sent=delivery))
