"""Contacts of a tenant: the list (search, pages), one added or edited by hand, deleted
(confirmed), the CSV import (a dry run first, a report per row) and the export. Every member
may read them; tenant admins import and delete."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView

from portal.exports import csv_response
from portal.views.base import (
    CsvImportView,
    FilteredListView,
    ObjectActionView,
    ServiceFormMixin,
)
from tenants.views.base import TenantMixin

from ..filters.contacts import ContactFilter
from ..forms.contacts import ContactForm, ContactImportForm
from ..models import Contact
from ..services import contacts as services


class ContactListView(TenantMixin, FilteredListView):
    model = Contact
    filterset_class = ContactFilter
    template_name = "messaging/contact_list.html"
    table_template_name = "messaging/contact_table.html"

    def get_base_queryset(self):
        return Contact.objects.filter(tenant=self.tenant)


class ContactFormView(TenantMixin, ServiceFormMixin, FormView):
    model = Contact
    form_class = ContactForm
    template_name = "messaging/contact_form.html"

    def get_object(self):
        return get_object_or_404(Contact.objects.filter(tenant=self.tenant), pk=self.kwargs["pk"])

    def get_initial(self):
        contact = getattr(self, "object", None)
        if contact is None:
            number = self.request.GET.get("number", "")[:40]
            return {"number": f"+{number}" if number.isdigit() else number}
        return {
            "number": f"+{contact.number}",
            "name": contact.name,
            "company": contact.company,
            "notes": contact.notes,
        }

    def perform(self, form):
        data = form.cleaned_data
        return services.contact_save(
            tenant=self.tenant,
            number=data["number"],
            name=data["name"],
            company=data["company"],
            notes=data["notes"],
            contact=getattr(self, "object", None),
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        if getattr(self, "result", None) is not None:
            messages.success(self.request, f"Contact {self.result} saved.")
        return response

    def get_success_url(self):
        return reverse("tenant:contact_list", args=[self.tenant.slug])


class ContactDeleteView(TenantMixin, ObjectActionView):
    model = Contact
    admin_only = True
    success_message = "Contact {obj} deleted: the inbox shows the number again."

    def get_object(self):
        return get_object_or_404(Contact.objects.filter(tenant=self.tenant), pk=self.kwargs["pk"])

    def act(self, obj):
        label = str(obj)
        services.contact_delete(contact=obj)
        return label

    def get_success_url(self, obj):
        return reverse("tenant:contact_list", args=[self.tenant.slug])


class ContactImportView(TenantMixin, CsvImportView):
    admin_only = True
    form_class = ContactImportForm
    template_name = "messaging/contact_import.html"

    def run_import(self, data: bytes, dry_run: bool):
        return services.contacts_import(tenant=self.tenant, data=data, dry_run=dry_run)

    def applied(self, report) -> str:
        return f"{report.added} contact(s) added, {report.updated} updated."

    def get_success_url(self):
        return reverse("tenant:contact_list", args=[self.tenant.slug])


class ContactExportView(TenantMixin, View):
    def get(self, request, *args, **kwargs):
        queryset = Contact.objects.filter(tenant=self.tenant)
        filterset = ContactFilter(request.GET or None, queryset=queryset, request=request)
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        name = f"contacts-{self.tenant.slug}-{timezone.now():%Y%m%d}.csv"
        return csv_response(
            name, services.EXPORT_HEADER, services.contacts_export_rows(rows, tenant=self.tenant)
        )
