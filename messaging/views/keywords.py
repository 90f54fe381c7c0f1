"""Keyword replies (tenant admins): the wording of the automatic answers to STOP, START and
HELP, with the portal's defaults as placeholders and each text's segment count as it is typed
(the compose page's counter)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView

from portal.views.base import add_form_errors
from tenants.views.base import TenantMixin

from ..forms.keywords import LABELS, KeywordRepliesForm
from ..services.keywords import keyword_replies_save, replies_of
from .compose import segment_context


class KeywordRepliesView(TenantMixin, FormView):
    admin_only = True
    form_class = KeywordRepliesForm
    template_name = "messaging/keyword_replies.html"

    def get_form_kwargs(self):
        url = reverse("tenant:message_segments", args=[self.tenant.slug])
        return {**super().get_form_kwargs(), "segments_url": url}

    def get_initial(self):
        replies = replies_of(self.tenant)
        return {name: getattr(replies, name) for name in LABELS}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        rows = []
        for name in LABELS:
            text = form[name].value() or form[name].field.widget.attrs["placeholder"]
            rows.append({"field": form[name], "segment": segment_context(str(text))})
        context["rows"] = rows
        return context

    def form_valid(self, form):
        try:
            keyword_replies_save(tenant=self.tenant, actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Keyword replies saved: they answer from now on.")
        return HttpResponseRedirect(reverse("tenant:keyword_replies", args=[self.tenant.slug]))
