"""/v1/numbers/papers: a document for one or more of the account's numbers (multipart)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from .. import payloads
from ..errors import ApiError
from ..http import endpoint, ok
from ..models import SandboxAccount
from ..services import documents

# The body may be a little larger than the file (the form fields, the multipart framing).
MAX_BODY = documents.MAX_BYTES + 64 * 1024


def papers_upload(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:  # refused before the body is parsed
        raise ApiError(400, "The doc attachment must not be greater than 10240 kilobytes.")
    if not request.content_type.startswith("multipart/form-data"):
        raise ApiError(400, "The request must be multipart/form-data with a doc_attachment file.")
    upload = request.FILES.get("doc_attachment")
    if upload is None:
        raise ApiError(400, "Missing or invalid parameter doc_attachment: a file is required")
    numbers = documents.parse_ids(account, request.POST.get("did_ids", ""))
    doc_type = documents.parse_doc_id(request.POST.get("doc_id", ""))
    if upload.size > documents.MAX_BYTES:
        raise ApiError(
            400, f"The doc attachment {upload.name} must not be greater than 10240 kilobytes."
        )
    data = upload.read(documents.MAX_BYTES + 1)
    content_type = documents.file_type(upload.name, data)
    created = documents.documents_upload(
        account=account,
        numbers=numbers,
        doc_type=doc_type,
        file_name=upload.name,
        content_type=content_type,
        size=len(data),
    )
    return ok([payloads.number_document(d) for d in created])


papers = endpoint(POST=papers_upload)
