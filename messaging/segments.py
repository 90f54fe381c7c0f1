"""How a text travels as SMS: its encoding, and the segments it is cut into (3GPP TS 23.038
and 23.040). Pure: no Django; the compose page and the outbox count with this one rule.

A text whose every character is in the GSM 03.38 alphabet goes as GSM-7: a basic character
is one septet, an extension character (`^ { } \\ [ ~ ] | €` and form feed) two (an escape
and the character). Any other character (a curly quote, an emoji, `ç`) makes the whole text
UCS-2, counted in UTF-16 units, so a character outside the BMP (most emoji) takes two.

One segment holds 160 septets or 70 units; a longer text is sent concatenated, 153 septets
or 67 units per segment (the rest is the header that joins them). A segment never ends in
the middle of an escape pair or a surrogate pair, so the count is a packing, not a division:
152 × `a`, `€`, 152 × `a` is 306 septets and three segments.

A character is the unit that is never split. A grapheme of several characters (a flag, a
family emoji joined by ZWJ) may be split between segments: the phone joins concatenated
segments before showing them, so the split is invisible, and counting by grapheme would need
a Unicode segmentation table this module does not carry.
"""

from __future__ import annotations

from dataclasses import dataclass

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec

GSM7 = "GSM-7"
UCS2 = "UCS-2"
SINGLE = {GSM7: 160, UCS2: 70}
CONCATENATED = {GSM7: 153, UCS2: 67}
CODEC = "gsm03.38"


@dataclass(frozen=True)
class ForcingCharacter:
    """A character that makes the text UCS-2, where it is (0-based, in characters)."""

    position: int
    character: str

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.character):04X}"


@dataclass(frozen=True)
class SegmentCount:
    encoding: str  # GSM7 or UCS2
    segments: int  # 0 for an empty text
    units: int  # septets (GSM-7) or UTF-16 units (UCS-2) of the whole text
    per_segment: int  # what one segment holds at this length: 160/70, or 153/67
    remaining: int  # units still free in the last segment
    forcing: tuple[ForcingCharacter, ...]  # why the text is UCS-2 (empty for GSM-7)


def gsm_septets(character: str) -> int | None:
    """Septets of one character in GSM-7 (1 or 2), or None if it is not in the alphabet."""
    try:
        return len(character.encode(CODEC))
    except UnicodeEncodeError:
        return None


def ucs2_units(character: str) -> int:
    return 2 if ord(character) > 0xFFFF else 1


def forcing_characters(text: str) -> tuple[ForcingCharacter, ...]:
    return tuple(ForcingCharacter(i, ch) for i, ch in enumerate(text) if gsm_septets(ch) is None)


def _units(text: str, encoding: str) -> list[int]:
    if encoding == GSM7:
        return [gsm_septets(ch) or 0 for ch in text]
    return [ucs2_units(ch) for ch in text]


def split(text: str) -> list[str]:
    """The text cut into the segments it is sent as (joined, they give the text back)."""
    encoding = UCS2 if forcing_characters(text) else GSM7
    units = _units(text, encoding)
    if sum(units) <= SINGLE[encoding]:
        return [text] if text else []
    limit, parts, start, used = CONCATENATED[encoding], [], 0, 0
    for i, size in enumerate(units):
        if used + size > limit:
            parts.append(text[start:i])
            start, used = i, 0
        used += size
    parts.append(text[start:])
    return parts


def count(text: str) -> SegmentCount:
    """The encoding, the segments and what is left in the last one."""
    forcing = forcing_characters(text)
    encoding = UCS2 if forcing else GSM7
    parts = split(text)
    total = sum(_units(text, encoding))
    per_segment = SINGLE[encoding] if len(parts) <= 1 else CONCATENATED[encoding]
    last = sum(_units(parts[-1], encoding)) if parts else 0
    return SegmentCount(
        encoding=encoding,
        segments=len(parts),
        units=total,
        per_segment=per_segment,
        remaining=per_segment - last,
        forcing=forcing,
    )
