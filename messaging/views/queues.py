"""Message queues (tenant admins): list, create, edit, delete (refused with the reason while a
number routes to it)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView

from portal.views.base import FilteredListView, ObjectActionView, ServiceFormMixin
from tenants.views.base import TenantMixin

from ..filters.routing import QueueFilter
from ..forms.routing import QueueForm
from ..models import MessageQueue
from ..services import routing as services


class QueueListView(TenantMixin, FilteredListView):
    admin_only = True
    model = MessageQueue
    filterset_class = QueueFilter
    template_name = "messaging/queue_list.html"
    table_template_name = "messaging/queue_table.html"

    def get_base_queryset(self):
        return MessageQueue.objects.filter(tenant=self.tenant).prefetch_related("members", "routes")


class QueueFormView(TenantMixin, ServiceFormMixin, FormView):
    admin_only = True
    model = MessageQueue
    form_class = QueueForm
    template_name = "messaging/queue_form.html"
    success_message = "Queue “{obj}” saved."
    object = None

    def get_object(self):
        return get_object_or_404(
            MessageQueue.objects.filter(tenant=self.tenant), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "tenant": self.tenant}
        if self.object is not None and self.request.method == "GET":
            kwargs["initial"] = {
                "name": self.object.name,
                "members": list(self.object.members.all()),
                "pickup": self.object.pickup,
            }
        return kwargs

    def perform(self, form):
        data = form.cleaned_data
        return services.queue_save(
            tenant=self.tenant,
            name=data["name"],
            members=list(data["members"]),
            pickup=data["pickup"],
            queue=self.object,
            actor=self.request.user,
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "queue": self.object}

    def get_success_url(self):
        return reverse("tenant:queue_list", args=[self.tenant.slug])


class QueueDeleteView(TenantMixin, ObjectActionView):
    admin_only = True
    model = MessageQueue
    success_message = "Queue “{obj}” deleted. Its open conversations stay with their agents."

    def get_object(self):
        return get_object_or_404(
            MessageQueue.objects.filter(tenant=self.tenant), pk=self.kwargs["pk"]
        )

    def act(self, obj):
        label = str(obj)
        services.queue_delete(queue=obj, actor=self.request.user)
        return label

    def get_success_url(self, obj):
        return reverse("tenant:queue_list", args=[self.tenant.slug])
