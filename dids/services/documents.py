"""Documents for numbers Wavix holds inactive until it has them (`POST /v1/numbers/papers`).

`number_document_upload` checks the file (dids/documents.py) and the numbers, saves the
upload with its file encrypted and one NumberDocument per number, and queues the upload job.
`DocumentUploadRunner` decrypts the file, sends it outside any transaction, records Wavix's
document of each number in another, and wipes the stored bytes once Wavix has them. The
review's outcome (approved, rejected) arrives with the next inventory sync (sync.py).
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal import audit
from portal.crypto import decrypt_bytes, encrypt_bytes
from portal.jobs.runner import JobRunner, Outcome
from portal.wavix import plain
from portal.wavix.client import WavixClient
from portal.wavix.errors import WavixError, WavixValidationError
from portal.wavix.retry import is_transient
from tenants.models import Tenant, User

from .. import selectors
from ..documents import DOC_TYPES, CheckedFile, doc_title
from ..models import Did, DocumentUpload, NumberDocument

log = logging.getLogger(__name__)

MAX_NUMBERS = 100  # numbers one upload may cover
WAVIX_STATES = {"pending", "approved", "rejected"}


def _refuse_numbers(tenant: Tenant, doc_type: int, numbers: list[int]) -> list[Did]:
    if doc_type not in DOC_TYPES:
        choices = ", ".join(f"{k} ({v})" for k, v in DOC_TYPES.items())
        raise ValidationError(
            {"doc_type": [f"“{str(doc_type)[:20]}” is not a document type: use {choices}."]}
        )
    if not numbers:
        raise ValidationError({"numbers": ["Choose at least one number the document is for."]})
    if len(numbers) > MAX_NUMBERS:
        raise ValidationError(
            {
                "numbers": [
                    f"{len(numbers)} numbers chosen; one document covers {MAX_NUMBERS} at most."
                ]
            }
        )
    dids = {d.number: d for d in selectors.tenant_dids(tenant).filter(number__in=numbers)}
    title = doc_title(doc_type)
    for number in numbers:
        did = dids.get(number)
        if did is None:
            raise ValidationError({"numbers": [f"+{number} is not one of your numbers on Wavix."]})
        if doc_type not in selectors.open_types(did):
            raise ValidationError(
                {"numbers": [f"+{number} does not need a {title.lower()}: {_needs(did, doc_type)}"]}
            )
    accounts = {d.account_id for d in dids.values()}
    if None in accounts or len(accounts) != 1:
        raise ValidationError(
            {"numbers": ["These numbers are on different Wavix accounts: upload for each apart."]}
        )
    return [dids[n] for n in numbers]


def _needs(did: Did, doc_type: int) -> str:
    if doc_type in selectors.required_types(did):
        why = "one is already uploaded (under review or approved)"
    elif did.status != Did.Status.INACTIVE or not did.required_docs:
        why = "Wavix requires no document of it"
    else:
        why = "Wavix does not ask for this type"
    open_titles = [doc_title(t) for t in selectors.open_types(did)]
    return f"{why}." + (f" It needs {', '.join(open_titles)}." if open_titles else "")


@transaction.atomic
def number_document_upload(
    *,
    tenant: Tenant,
    doc_type: int,
    numbers: list[int],
    file: CheckedFile,
    user: User | None = None,
) -> DocumentUpload:
    """Saves the checked file (encrypted) for the tenant's numbers and queues its upload to
    Wavix. A number that is not the tenant's, needs no document of this type, or already
    has one under review is refused, naming it; nothing is saved then."""
    dids = _refuse_numbers(tenant, int(doc_type), list(dict.fromkeys(numbers)))
    upload = DocumentUpload(
        tenant=tenant,
        account_id=dids[0].account_id,
        doc_type=int(doc_type),
        file_name=file.name,
        content_type=file.content_type,
        size=file.size,
        data=encrypt_bytes(file.data),
        created_by=user,
    )
    upload.full_clean(exclude=["data"])
    upload.save()
    documents = NumberDocument.objects.bulk_create(
        [
            NumberDocument(tenant=tenant, upload=upload, did=did, doc_type=upload.doc_type)
            for did in dids
        ]
    )
    audit.record_many(
        [(d, "create", None, audit.snapshot(d)) for d in documents],
        message=f"Document uploaded: {upload}",
    )
    DocumentUploadRunner.enqueue(upload.pk)
    return upload


class DocumentUploadRunner(JobRunner):
    model = DocumentUpload
    task = "dids.tasks.document_upload_run"

    def perform(self) -> Outcome | None:
        job = self.job
        if job.account is None:
            return Outcome.failed(
                "There is no Wavix account to send the document with any more; upload it again."
            )
        documents = list(NumberDocument._base_manager.filter(upload=job).select_related("did"))
        if not job.data:
            return Outcome.failed("The file is no longer held; upload it again.")
        client = WavixClient.for_account(job.account)
        answers = self.already_there(client, documents) if job.attempt > 1 else None
        if answers is None:
            answers = client.upload_number_document(
                did_ids=[d.did.wavix_id for d in documents],
                doc_type=job.doc_type,
                file_name=job.file_name,
                content=decrypt_bytes(job.data),
                content_type=job.content_type,
            )
        return self.save(documents, answers)

    def already_there(self, client: WavixClient, documents: list[NumberDocument]):
        """After a failed attempt whose answer was lost, Wavix may hold the document already:
        its documents of these numbers with this file's name and type (None if any lacks
        one, so the file is sent)."""
        found = []
        for doc in documents:
            item = client.get_number(doc.did.wavix_id) or {}
            match = [
                d
                for d in item.get("documents") or []
                if isinstance(d, dict)
                and str(d.get("doc_type_id")) == str(self.job.doc_type)
                and d.get("doc_file_name") == self.job.file_name
                and d.get("status") != "rejected"
            ]
            if not match:
                return None
            found.append({**match[-1], "did_number": str(doc.did.number)})
        return found

    def save(self, documents: list[NumberDocument], answers: list[dict]) -> Outcome:
        """Wavix's document of each number, and the bytes wiped, in one short transaction."""
        by_number = {_digits(a.get("did_number")): a for a in answers}
        missing = []
        with transaction.atomic():
            for doc in documents:
                answer = by_number.get(str(doc.did.number))
                before = audit.snapshot(doc)
                if answer is None:
                    missing.append(doc.did)
                    doc.status = NumberDocument.Status.FAILED
                    doc.reason = "Wavix returned no document for this number; upload it again."
                else:
                    status = str(answer.get("status") or "pending")
                    doc.status = status if status in WAVIX_STATES else NumberDocument.Status.PENDING
                    doc.wavix_id = str(answer.get("id") or "")[:32]
                    doc.allow_replace = bool(answer.get("allow_replace"))
                    doc.reason = ""
                doc.save(
                    update_fields=["status", "wavix_id", "allow_replace", "reason", "updated_at"]
                )
                audit.record(doc, "update", before, audit.snapshot(doc), message="sent to Wavix")
            self.job.data, self.job.wiped_at = b"", timezone.now()
            self.job.save(update_fields=["data", "wiped_at"])
        sent = len(documents) - len(missing)
        if sent == 0:
            return Outcome.failed("Wavix returned no document for these numbers; upload it again.")
        note = f"Sent to Wavix for {sent} number{'s' if sent != 1 else ''}; under review."
        if missing:
            note += " Wavix returned none for " + ", ".join(str(d) for d in missing) + "."
        return Outcome.succeeded(note)

    def wavix_failure(self, exc: WavixError) -> Outcome:
        """Wavix's reason in plain words; its text is the detail for system administrators."""
        log.warning("Document upload %s failed: %s", self.job.pk, exc)
        if isinstance(exc, WavixValidationError) and exc.message:
            reason = f"Wavix refused the document: {exc.message.rstrip('.')}."
        else:
            tries = f", even after {self.job.attempt} attempts" if is_transient(exc) else ""
            reason = f"{plain.cause(exc)}{tries}, so the document was not sent. {plain.advice(exc)}"
        return Outcome.failed(reason, str(exc))

    def record(self, outcome: Outcome) -> str:
        status = super().record(outcome)
        if status == DocumentUpload.Status.FAILED:
            NumberDocument._base_manager.filter(
                upload=self.job, status=NumberDocument.Status.UPLOADING
            ).update(status=NumberDocument.Status.FAILED, reason=outcome.error[:500])
        return status


def _digits(value) -> str:
    return "".join(ch for ch in str(value or "") if ch.isdigit())
