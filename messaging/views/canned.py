"""Canned replies: tenant admins add, edit and delete them (with the live segment count of
the text); agents insert them in a reply (the conversation page)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView

from portal.views.base import FilteredListView, ObjectActionView, ServiceFormMixin
from tenants.views.base import TenantMixin

from .. import segments
from ..filters.canned import CannedReplyFilter
from ..forms.canned import CannedReplyForm
from ..models import CannedReply
from ..services import canned as services
from .compose import segment_context


class CannedListView(TenantMixin, FilteredListView):
    model = CannedReply
    filterset_class = CannedReplyFilter
    template_name = "messaging/canned_list.html"
    table_template_name = "messaging/canned_table.html"

    def get_base_queryset(self):
        return CannedReply.objects.filter(tenant=self.tenant)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for reply in context["object_list"]:
            reply.count = segments.count(reply.text)
        return context


class CannedFormView(TenantMixin, ServiceFormMixin, FormView):
    model = CannedReply
    admin_only = True
    form_class = CannedReplyForm
    template_name = "messaging/canned_form.html"

    def get_object(self):
        return get_object_or_404(
            CannedReply.objects.filter(tenant=self.tenant), pk=self.kwargs["pk"]
        )

    def get_initial(self):
        reply = getattr(self, "object", None)
        return {"title": reply.title, "text": reply.text} if reply else {}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["text"].widget.attrs.update(
            {
                "hx-post": reverse("tenant:message_segments", args=[self.tenant.slug]),
                "hx-trigger": "input changed delay:150ms, load",
                "hx-target": "#segment-count",
                "hx-swap": "innerHTML",
            }
        )
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        text = form.data.get("text", "") if form.is_bound else form.initial.get("text", "")
        context["segment"] = segment_context(text)
        return context

    def perform(self, form):
        return services.canned_save(
            tenant=self.tenant,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            canned=getattr(self, "object", None),
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        if getattr(self, "result", None) is not None:
            messages.success(self.request, f"Canned reply “{self.result}” saved.")
        return response

    def get_success_url(self):
        return reverse("tenant:canned_list", args=[self.tenant.slug])


class CannedDeleteView(TenantMixin, ObjectActionView):
    model = CannedReply
    admin_only = True
    success_message = "Canned reply “{obj}” deleted."

    def get_object(self):
        return get_object_or_404(
            CannedReply.objects.filter(tenant=self.tenant), pk=self.kwargs["pk"]
        )

    def act(self, obj):
        label = str(obj)
        services.canned_delete(canned=obj)
        return label

    def get_success_url(self, obj):
        return reverse("tenant:canned_list", args=[self.tenant.slug])
