"""Documents for numbers in the browser: an inactive number's page says which documents
Wavix needs and the state of each (not uploaded, uploading, under review, approved, rejected
with what to do); a tenant admin whose tenant allows it (a system administrator always)
uploads one, for that number and any of the tenant's others that need the same type, and
follows the upload; the tenant's documents are listed with search and filters."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, FormView

from dids import selectors
from dids.documents import MAX_BYTES, DocumentRefused, check, doc_title
from dids.filters import NumberDocumentFilter
from dids.forms import DocumentUploadForm
from dids.models import Did, DocumentUpload, NumberDocument
from dids.services.documents import number_document_upload
from portal.params import BIGINT_MAX
from portal.views.base import FilteredListView, PartialMixin, add_form_errors
from tenants.views.base import TenantMixin

# The multipart body may be a little larger than the file (the other fields, the framing).
MAX_BODY = MAX_BYTES + 64 * 1024
NOT_ALLOWED = (
    "Your provider uploads the documents of your numbers for you: ask them, or ask them to "
    "let your tenant's admins upload."
)


class DocumentListView(TenantMixin, FilteredListView):
    admin_only = True
    model = NumberDocument
    filterset_class = NumberDocumentFilter
    template_name = "dids/document_list.html"
    table_template_name = "dids/_document_table.html"

    def get_base_queryset(self):
        return selectors.tenant_documents(self.tenant)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **{
                "allowed": selectors.may_upload_documents(self.tenant, self.request.user),
                "needing": selectors.tenant_dids(self.tenant)
                .filter(status=Did.Status.INACTIVE)
                .exclude(required_docs=[])
                .order_by("number")[:50],
                **kwargs,
            }
        )


class NumberDocumentsView(TenantMixin, FormView):
    """One number's documents and the upload form."""

    admin_only = True
    model = NumberDocument
    template_name = "dids/number_documents.html"
    form_class = DocumentUploadForm

    def get_object(self):
        if self.kwargs["number"] > BIGINT_MAX:
            raise Http404("Not one of this tenant's numbers on Wavix.")
        did = selectors.tenant_dids(self.tenant).filter(number=self.kwargs["number"]).first()
        if did is None:
            raise Http404("Not one of this tenant's numbers on Wavix.")
        return did

    @property
    def allowed(self) -> bool:
        return selectors.may_upload_documents(self.tenant, self.request.user)

    def get_form_kwargs(self, *, unread: bool = False):
        """`unread`: an unbound form, for a body refused before it is read."""
        did = self.object
        types = [(t, doc_title(t)) for t in selectors.open_types(did)]
        posted = self.request.method == "POST" and not unread
        chosen = self.request.POST.get("doc_type") if posted else None
        first = types[0][0] if types else None
        valid = chosen and chosen.isascii() and chosen.isdigit() and len(chosen) < 3
        doc_type = int(chosen) if valid else first
        others = []
        if doc_type is not None:
            others = [
                (d.number, str(d))
                for d in selectors.numbers_needing(self.tenant, doc_type, exclude=did.number)
            ]
        kwargs = {"initial": {}, "prefix": None} if unread else super().get_form_kwargs()
        return {**kwargs, "types": types, "others": others}

    def get_context_data(self, **kwargs):
        did = self.object
        uploads = DocumentUpload.objects.filter(documents__did=did).select_related("created_by")
        return super().get_context_data(
            **{
                "did": did,
                "needs": selectors.document_needs(did),
                "allowed": self.allowed,
                "not_allowed": NOT_ALLOWED,
                "open_types": selectors.open_types(did),
                "uploads": uploads.order_by("-created_at", "-id")[:20],
                **kwargs,
            }
        )

    def post(self, request, *args, **kwargs):
        if not self.allowed:
            raise PermissionDenied(NOT_ALLOWED)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            # Refused before the body is parsed: nothing of it is read or stored.
            form = self.form_class(**self.get_form_kwargs(unread=True))
            refused = (
                f"The file is larger than 10 MB ({length / 1024 / 1024:.1f} MB sent); Wavix "
                "accepts documents up to 10 MB."
            )
            return self.render_to_response(self.get_context_data(form=form, refused=refused))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            checked = check(upload, upload.name, size=upload.size)
        except DocumentRefused as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        numbers = [self.object.number, *form.cleaned_data.get("also", [])]
        try:
            job = number_document_upload(
                tenant=self.tenant,
                doc_type=form.cleaned_data["doc_type"],
                numbers=numbers,
                file=checked,
                user=self.request.user,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"“{job.file_name}” is being sent to Wavix for {len(numbers)} number"
            f"{'s' if len(numbers) != 1 else ''}.",
        )
        return HttpResponseRedirect(
            reverse("tenant:document_upload", args=[self.tenant.slug, job.pk])
        )


class DocumentUploadView(TenantMixin, PartialMixin, DetailView):
    """An upload's progress, refreshed while it runs, and each number's document."""

    admin_only = True
    model = DocumentUpload
    template_name = "dids/document_upload.html"
    table_template_name = "dids/_document_upload.html"
    context_object_name = "job"

    def get_object(self):
        return get_object_or_404(
            DocumentUpload.objects.select_related("created_by"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **{
                "documents": self.object.documents.select_related("did").order_by("did__number"),
                **kwargs,
            }
        )
