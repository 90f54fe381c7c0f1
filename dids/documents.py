"""The file rules of a number document, as Wavix states them for `POST /v1/numbers/papers`:
PNG, JPG/JPEG, TIFF, BMP or PDF; 10 MB at most; not password-protected; a PDF without digital
signatures. Pure logic (no Django): the type is read from the file's first bytes, never from
its name or the browser's content type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO

MAX_BYTES = 10 * 1024 * 1024
MAX_NAME = 255

# Wavix's DocumentTypeID.
PROOF_OF_IDENTITY, PROOF_OF_ADDRESS, PROOF_OF_BUSINESS = 1, 2, 3
DOC_TYPES: dict[int, str] = {
    PROOF_OF_IDENTITY: "Proof of identity",
    PROOF_OF_ADDRESS: "Proof of address",
    PROOF_OF_BUSINESS: "Proof of business registration",
}
ALLOWED = "PNG, JPG/JPEG, TIFF, BMP or PDF"

# (leading bytes, content type) — the order matters only where one prefixes another (none do).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),  # little-endian
    (b"MM\x00*", "image/tiff"),  # big-endian
    (b"BM", "image/bmp"),
    (b"%PDF-", "application/pdf"),
)
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/tiff": "tiff",
    "image/bmp": "bmp",
    "application/pdf": "pdf",
}
_ENCRYPT = re.compile(rb"/Encrypt\b")
_SIGNATURE = re.compile(rb"/ByteRange\s*\[|/Type\s*/Sig\b|adbe\.pkcs7|ETSI\.CAdES")


class DocumentRefused(ValueError):
    """The file breaks a rule: the message names the file and the rule."""


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    data: bytes


def doc_title(doc_type: int | str) -> str:
    try:
        return DOC_TYPES[int(doc_type)]
    except (KeyError, TypeError, ValueError):
        return f"Document type {doc_type}"


def doc_type_of_title(title: str) -> int | None:
    """The type id of a title as the sync stores it in `Did.required_docs` (or the id)."""
    for key, name in DOC_TYPES.items():
        if title == name or str(title) == str(key):
            return key
    return None


def content_type_of(head: bytes) -> str | None:
    """The content type the first bytes show, or None when they show none of the allowed."""
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def clean_name(name: str) -> str:
    """The file's own name (no folders, no control characters), bounded."""
    base = re.split(r"[\\/]", str(name or ""))[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:MAX_NAME] or "document"


def check(stream: BinaryIO, name: str, size: int | None = None) -> CheckedFile:
    """Reads and checks one upload: its size (before reading all of it, from `size` when the
    caller knows it, and again while reading), its type, and a PDF's protection/signature."""
    shown = clean_name(name)
    if size is not None and size > MAX_BYTES:
        raise DocumentRefused(_too_big(shown, size))
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DocumentRefused(_too_big(shown, size))
    if not data:
        raise DocumentRefused(f"“{shown}” is empty: choose the scanned or photographed document.")
    content_type = content_type_of(data[:16])
    if content_type is None:
        raise DocumentRefused(
            f"“{shown}” is not a {ALLOWED} file (its content is neither); Wavix accepts only "
            "these formats."
        )
    if content_type == "application/pdf":
        _check_pdf(shown, data)
    return CheckedFile(name=shown, content_type=content_type, size=len(data), data=data)


def _too_big(shown: str, size: int | None) -> str:
    told = f" ({size / 1024 / 1024:.1f} MB)" if size else ""
    return f"“{shown}” is larger than 10 MB{told}; Wavix accepts documents up to 10 MB."


def _check_pdf(shown: str, data: bytes) -> None:
    if _ENCRYPT.search(data):
        raise DocumentRefused(
            f"“{shown}” is a password-protected (encrypted) PDF; Wavix accepts only PDFs that "
            "open without a password. Save it again without protection."
        )
    if _SIGNATURE.search(data):
        raise DocumentRefused(
            f"“{shown}” is a digitally signed PDF; Wavix accepts only PDFs without digital "
            "signatures. Print it to a new PDF or upload a scan."
        )
