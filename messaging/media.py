"""Files attached to an MMS: checked (type by their first bytes, size), stored under an
unguessable name, and served at an address the provider fetches them from (no login: the
name is the secret, 192 bits, as for the webhook tokens). Pure storage: no message logic."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

# What carriers take in an MMS, recognised by the file's first bytes (never by the name or
# the browser's word): type, extension, and a test on the head of the file.
KINDS: tuple[tuple[str, str, object], ...] = (
    ("image/jpeg", "jpg", lambda h: h.startswith(b"\xff\xd8\xff")),
    ("image/png", "png", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/gif", "gif", lambda h: h.startswith((b"GIF87a", b"GIF89a"))),
    ("video/mp4", "mp4", lambda h: h[4:8] == b"ftyp"),
    ("audio/mpeg", "mp3", lambda h: h.startswith(b"ID3") or h[:2] in (b"\xff\xfb", b"\xff\xf3")),
    ("application/pdf", "pdf", lambda h: h.startswith(b"%PDF-")),
    ("text/vcard", "vcf", lambda h: h.lstrip().upper().startswith(b"BEGIN:VCARD")),
)
TYPE_NAMES = "JPEG, PNG, GIF, MP4, MP3, PDF or vCard"
CONTENT_TYPES = {ext: content_type for content_type, ext, _ in KINDS}
HEAD_BYTES = 16
TOKEN_BYTES = 24  # 192 bits: the address is the only secret


@dataclass(frozen=True)
class StoredFile:
    name: str  # "<token>.<ext>", the file's name in the storage and in its address
    url: str  # where the provider fetches it


def storage() -> FileSystemStorage:
    location = getattr(settings, "MESSAGING_MEDIA_ROOT", None) or Path(settings.VAR_DIR) / "mms"
    return FileSystemStorage(location=str(location))


def kind_of(upload) -> tuple[str, str] | None:
    """(content type, extension) of an uploaded file by its first bytes, None if no MMS type."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    for content_type, ext, test in KINDS:
        if test(head):
            return content_type, ext
    return None


def file_refusal(upload, *, max_bytes: int) -> str | None:
    """Why this upload cannot go in an MMS, naming the file and the rule; None if it can."""
    name = str(getattr(upload, "name", "") or "file")[:80]
    if upload.size > max_bytes:
        return f"“{name}” is {_size(upload.size)}; an MMS file may be at most {_size(max_bytes)}."
    if upload.size == 0:
        return f"“{name}” is empty."
    if kind_of(upload) is None:
        return f"“{name}” is not a {TYPE_NAMES} file, the types an MMS can carry."
    return None


def store(upload) -> StoredFile:
    """Saves a checked upload under a new unguessable name."""
    _, ext = kind_of(upload)
    name = f"{secrets.token_urlsafe(TOKEN_BYTES)}.{ext}"
    saved = storage().save(name, upload)
    return StoredFile(name=saved, url=public_url(saved))


def discard(names) -> None:
    """Removes stored files of a send that was refused after all."""
    box = storage()
    for name in names:
        box.delete(name)


def public_url(name: str) -> str:
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    return base + reverse("hooks:mms_file", args=[name])


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} bytes"
