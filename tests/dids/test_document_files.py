"""The file rules of a number document (dids/documents.py): the type from the first bytes,
10 MB read no further than the limit, no password-protected or signed PDF; each refusal names
the file and the rule."""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dids.documents import MAX_BYTES, DocumentRefused, check, clean_name, content_type_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\0\x10JFIF", "image/jpeg"),
        (b"II*\x00\x08\0\0\0", "image/tiff"),
        (b"MM\x00*\0\0\0\x08", "image/tiff"),
        (b"BM6\0\0\0\0\0", "image/bmp"),
        (PDF, "application/pdf"),
    ],
)
def test_each_allowed_format_is_known_by_its_bytes(head, kind):
    checked = check(io.BytesIO(head), "scan.bin")
    assert checked.content_type == kind and checked.size == len(head)


def test_a_file_named_png_that_is_not_one_is_refused_naming_it_and_the_rule():
    with pytest.raises(DocumentRefused) as refused:
        check(io.BytesIO(b"MZ\x90\0 an executable"), "passport.png")
    assert str(refused.value).startswith("“passport.png” is not a PNG, JPG/JPEG, TIFF, BMP or PDF")


def test_a_file_over_10_mb_is_refused_before_it_is_read():
    class Endless(io.RawIOBase):
        asked = 0

        def read(self, n=-1):
            self.asked += n
            return b"\0" * n

    with pytest.raises(DocumentRefused, match="larger than 10 MB"):
        check(Endless(), "big.png", size=MAX_BYTES + 1)
    stream = Endless()
    with pytest.raises(DocumentRefused, match="“big.png” is larger than 10 MB"):
        check(stream, "big.png")  # a size not told: read no further than the limit
    assert stream.asked == MAX_BYTES + 1


def test_exactly_10_mb_is_accepted():
    assert check(io.BytesIO(PNG + b"\0" * (MAX_BYTES - len(PNG))), "a.png").size == MAX_BYTES


def test_an_encrypted_pdf_is_refused():
    data = PDF.replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 5 0 R")
    with pytest.raises(DocumentRefused, match="“lease.pdf” is a password-protected"):
        check(io.BytesIO(data), "lease.pdf")


def test_a_signed_pdf_is_refused():
    data = PDF + b"\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached "
    data += b"/ByteRange [0 100 200 300] >>"
    with pytest.raises(DocumentRefused, match="“contract.pdf” is a digitally signed PDF"):
        check(io.BytesIO(data), "contract.pdf")


def test_an_empty_file_is_refused():
    with pytest.raises(DocumentRefused, match="“id.png” is empty"):
        check(io.BytesIO(b""), "id.png")


def test_a_name_loses_its_folders_and_control_characters():
    assert clean_name("C:\\Users\\me\\scan\x00.png") == "scan.png"
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("") == "document" and len(clean_name("x" * 999)) == 255


@given(st.binary(max_size=64))
def test_any_bytes_are_either_an_allowed_type_or_refused(data):
    try:
        checked = check(io.BytesIO(data), "f")
    except DocumentRefused as exc:
        assert "“f”" in str(exc)
    else:
        assert checked.content_type == content_type_of(data[:16])
