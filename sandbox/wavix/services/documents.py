"""Number documents (`POST /v1/numbers/papers`): Wavix's file rules, a pending document per
number, and the review. A document is reviewed once its `review_at` has passed
(WAVIX_SANDBOX_DOC_REVIEW_SECONDS after the upload; 0 in tests), when the account's numbers
are next read: approved, or rejected when its file name contains "reject". A number whose
required documents are all approved turns active and requires nothing more."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import catalogue
from ..errors import ApiError
from ..models import SandboxAccount, SandboxDocument, SandboxNumber

MAX_BYTES = 10 * 1024 * 1024
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
    (b"%PDF-", "application/pdf"),
)


def file_type(name: str, data: bytes) -> str:
    """The content type Wavix identifies, or a 400 in its words."""
    if len(data) > MAX_BYTES:
        raise ApiError(400, f"The doc attachment {name} must not be greater than 10240 kilobytes.")
    kind = next((t for magic, t in _MAGIC if data.startswith(magic)), None)
    if kind is None:
        raise ApiError(
            400,
            f"The doc attachment {name} must be a file of type: png, jpg, jpeg, tiff, bmp, pdf.",
        )
    if kind == "application/pdf":
        if b"/Encrypt" in data:
            raise ApiError(400, f"The doc attachment {name} is password protected.")
        if b"/ByteRange" in data and (b"/Sig" in data or b"adbe.pkcs7" in data):
            raise ApiError(400, f"The doc attachment {name} contains a digital signature.")
    return kind


def parse_ids(account: SandboxAccount, raw: str) -> list[SandboxNumber]:
    parts = [p.strip() for p in str(raw or "").split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts) or len(parts) > 100:
        raise ApiError(
            400, f"Missing or invalid parameter did_ids: comma-separated ids (got {raw!r:.60})"
        )
    ids = sorted({int(p) for p in parts})
    numbers = list(account.numbers.filter(pk__in=ids))
    missing = sorted(set(ids) - {n.pk for n in numbers})
    if missing:
        raise ApiError(400, f"Numbers not found: {', '.join(map(str, missing))}")
    return numbers


def parse_doc_id(raw: str) -> int:
    known = {d["id"] for d in catalogue.DOC_TYPES}
    if not str(raw or "").isdigit() or int(raw) not in known:
        raise ApiError(
            400, f"Missing or invalid parameter doc_id: must be 1, 2 or 3 (got {raw!r:.20})"
        )
    return int(raw)


@transaction.atomic
def documents_upload(
    *,
    account: SandboxAccount,
    numbers: list[SandboxNumber],
    doc_type: int,
    file_name: str,
    content_type: str,
    size: int,
) -> list[SandboxDocument]:
    for number in numbers:
        held = number.documents.filter(doc_type=doc_type).exclude(
            status=SandboxDocument.Status.REJECTED
        )
        if held.exists():
            raise ApiError(
                400,
                f"A document of type {doc_type} is already under review or approved for "
                f"{number.number}; only a rejected document can be replaced.",
            )
    review_at = timezone.now() + timedelta(seconds=settings.WAVIX_SANDBOX_DOC_REVIEW_SECONDS)
    return [
        SandboxDocument.objects.create(
            account=account,
            number=number,
            doc_type=doc_type,
            file_name=file_name[:255],
            content_type=content_type,
            size=size,
            review_at=review_at,
        )
        for number in numbers
    ]


def documents_review_due(account: SandboxAccount) -> int:
    """Reviews the account's documents whose time has come; the numbers they complete turn
    active. The count reviewed (0 costs one query)."""
    due = SandboxDocument.objects.filter(
        account=account, status=SandboxDocument.Status.PENDING, review_at__lte=timezone.now()
    )
    with transaction.atomic():
        documents = list(due.select_for_update().select_related("number"))
        for doc in documents:
            rejected = "reject" in doc.file_name.lower()
            doc.status = (
                SandboxDocument.Status.REJECTED if rejected else SandboxDocument.Status.APPROVED
            )
            doc.save(update_fields=["status"])
        for number in {d.number_id: d.number for d in documents}.values():
            _settle(number)
    return len(documents)


def _settle(number: SandboxNumber) -> None:
    approved = set(
        number.documents.filter(status=SandboxDocument.Status.APPROVED).values_list(
            "doc_type", flat=True
        )
    )
    left = [d for d in number.require_docs if int(d) not in approved]
    number.require_docs = left
    if not left:
        number.status = SandboxNumber.Status.ACTIVE
    number.save(update_fields=["require_docs", "status"])
