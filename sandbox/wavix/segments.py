"""SMS segment counting as carriers (and Wavix) do it. No Django in here.

A text that fits the GSM 03.38 alphabet is sent as GSM-7: 160 septets in one segment, 153 per
segment once it is split (the user data header takes the rest); characters of the extension
table (€, [, ], {, }, ...) take two septets and are never split across segments. Anything
else is sent as UCS-2: 70 UTF-16 code units in one segment, 67 per segment when split; a
character outside the Basic Multilingual Plane (most emoji) is a surrogate pair that is never
split either.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7 = "GSM-7"
UCS2 = "UCS-2"
_LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class SegmentCount:
    encoding: str
    segments: int
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2


def encoding_of(text: str) -> str:
    return GSM7 if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) else UCS2


def _cost(char: str, encoding: str) -> int:
    if encoding == GSM7:
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def count_segments(text: str) -> SegmentCount:
    encoding = encoding_of(text)
    costs = [_cost(c, encoding) for c in text]
    units = sum(costs)
    single, multi = _LIMITS[encoding]
    if units <= single:
        return SegmentCount(encoding, 1, units)
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments, used = segments + 1, 0
        used += cost
    return SegmentCount(encoding, segments, units)
