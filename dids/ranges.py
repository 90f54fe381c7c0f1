"""DID pool syntax and set algebra, with no Django in it.

A pool is written as segments separated by `;`, each a single number or an inclusive range:
`16468097065-16468097066;16468097070-16468097080`. Parsing is liberal in what people paste
(spaces, a leading `+`, `,` or new lines between segments) and strict about the numbers. A
parsed `Pool` is canonical: sorted, with overlapping and adjacent ranges merged, so two equal
sets of numbers always print the same way.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

MAX_DIGITS = 15  # E.164
DEFAULT_MAX_SEGMENTS = 10_000
MAX_SEGMENT_CHARS = 100  # two numbers as people write them, and the "-" between


@dataclass(frozen=True, order=True)
class Span:
    """An inclusive range of phone numbers as integers (pure; the model of a pool's stored
    range is `dids.models.NumberRange`)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"range end {self.end} is below its start {self.start}")

    @property
    def size(self) -> int:
        return self.end - self.start + 1

    def __contains__(self, number: object) -> bool:
        return isinstance(number, int) and self.start <= number <= self.end

    def __str__(self) -> str:
        # A range is written with both ends of one length (the syntax's rule), so a span that
        # crosses a power of ten (two adjacent entries 9 and 10 merged) is written in pieces.
        parts, start = [], self.start
        while start <= self.end:
            end = min(self.end, 10 ** len(str(start)) - 1)
            parts.append(str(start) if start == end else f"{start}-{end}")
            start = end + 1
        return ";".join(parts)


@dataclass(frozen=True)
class SegmentError:
    position: int  # 1-based segment number
    offset: int  # 0-based character offset of the segment in the input
    segment: str
    rule: str

    def __str__(self) -> str:
        segment = self.segment if len(self.segment) <= 60 else self.segment[:59] + "…"
        shown = f"“{segment}”" if segment else "(empty)"
        return f"segment {self.position} {shown} at character {self.offset + 1}: {self.rule}"


class PoolSyntaxError(ValueError):
    """Every problem found in a pool, not just the first."""

    def __init__(self, errors: list[SegmentError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def _split(text: str) -> Iterator[tuple[int, str]]:
    """(offset, segment) pairs, segments stripped of surrounding spaces.

    Lines are segments too. Paste artifacts are forgiven: blank lines, and a `;` or `,` that
    ends a line before the next one. Two separators in a row within a line are an error.
    """
    line_start = 0
    lines = re.split(r"(\r\n|\r|\n)", text)
    for index in range(0, len(lines), 2):
        line = lines[index]
        is_last = index == len(lines) - 1
        body = line.rstrip()
        if not body.strip():
            if is_last and index == 0:
                yield line_start, ""
        else:
            if not is_last and body[-1] in ";,":
                body = body[:-1]
            offset = line_start
            for match in re.finditer(r"[;,]", body + ";"):
                raw = body[offset - line_start : match.start()]
                yield offset + len(raw) - len(raw.lstrip()), raw.strip()
                offset = line_start + match.end()
        line_start += len(line) + (len(lines[index + 1]) if not is_last else 0)


def is_digits(text: str) -> bool:
    """ASCII digits only: `str.isdigit` also accepts "²" (which `int` refuses) and other
    scripts' digits, which no carrier reads."""
    return text.isascii() and text.isdigit()


def _number(token: str) -> tuple[int | None, str | None]:
    """The number written in `token`, or the rule it breaks."""
    token = token.strip()
    if token.startswith("+"):
        token = token[1:].lstrip()
    if not token:
        return None, "a number is missing"
    if not is_digits(token):
        return None, f"“{token}” has characters other than digits"
    if token[0] == "0":
        return None, f"“{token}” starts with 0 (numbers are in E.164 form, country code first)"
    if len(token) > MAX_DIGITS:
        return None, f"“{token}” has {len(token)} digits; E.164 allows at most {MAX_DIGITS}"
    return int(token), None


NumberReader = Callable[[str], tuple[int | None, str | None]]


def _parse_segment(
    segment: str, number: NumberReader = _number, max_range: int | None = None
) -> tuple[Span | None, str | None]:
    if not segment:
        return None, "empty segment (two separators in a row, or one at an end)"
    if len(segment) > MAX_SEGMENT_CHARS:
        # Bounded before any split is tried: each "-" is tried as the range's.
        return None, f"longer than {MAX_SEGMENT_CHARS} characters (a range is two numbers)"
    if "-" not in segment:
        value, rule = number(segment)
        return (None, rule) if rule else (Span(value, value), None)
    # Any "-" may be the range's, or part of one number as written (+1 312 555-0150): the
    # range is the one split whose two sides are both numbers.
    dashes = [i for i, c in enumerate(segment) if c == "-"]
    splits, first_rule = [], None
    for i in dashes:
        (start, start_rule), (end, end_rule) = number(segment[:i]), number(segment[i + 1 :])
        if start_rule or end_rule:
            first_rule = first_rule or start_rule or end_rule
        else:
            splits.append((start, end))
    if not splits:
        value, rule = number(segment)
        if not rule:
            return Span(value, value), None
        if len(dashes) > 1:
            return None, "a range has one “-” between its two ends"
        return None, first_rule
    if len(splits) > 1:
        return None, "a range has one “-” between its two ends"
    start, end = splits[0]
    start_digits, end_digits = len(str(start)), len(str(end))
    if start_digits != end_digits:
        return None, (
            f"the ends have different lengths ({start_digits} and {end_digits} digits); "
            "write both ends in full"
        )
    if end < start:
        return None, f"the end {end} is below the start {start}"
    size = end - start + 1
    if max_range is not None and size > max_range:
        return None, f"the range holds {size:,} numbers; at most {max_range:,} per range"
    return Span(start, end), None


def _merge(ranges: Iterable[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for r in sorted(ranges):
        if merged and r.start <= merged[-1].end + 1:
            if r.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, r.end)
        else:
            merged.append(r)
    return tuple(merged)


class Pool:
    """A canonical set of phone numbers held as sorted, disjoint, non-adjacent ranges."""

    __slots__ = ("_ranges", "_starts")

    def __init__(self, ranges: Iterable[Span] = ()):
        self._ranges = _merge(ranges)
        self._starts = [r.start for r in self._ranges]

    # Building and printing ---------------------------------------------------------------

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        max_segments: int = DEFAULT_MAX_SEGMENTS,
        number: NumberReader = _number,
        max_range: int | None = None,
    ) -> Pool:
        """Parses `text`, collecting every error; raises PoolSyntaxError if there is any.
        `number` reads one range end (number, None) or says why not (None, rule): E.164 digits
        by default; `portal.phone.check` is one that reads numbers as people write them."""
        if not isinstance(text, str) or not text.strip():
            raise PoolSyntaxError([SegmentError(1, 0, "", "the pool is empty")])
        errors: list[SegmentError] = []
        ranges: list[Span] = []
        count = 0
        for position, (offset, segment) in enumerate(_split(text), start=1):
            count = position
            parsed, rule = _parse_segment(segment, number, max_range)
            if rule:
                errors.append(SegmentError(position, offset, segment, rule))
            else:
                ranges.append(parsed)
        if count > max_segments:
            errors.append(
                SegmentError(count, 0, "", f"{count} segments; at most {max_segments} are allowed")
            )
        if errors:
            raise PoolSyntaxError(errors)
        return cls(ranges)

    @classmethod
    def of(cls, *numbers: int) -> Pool:
        return cls(Span(n, n) for n in numbers)

    def format(self) -> str:
        return ";".join(str(r) for r in self._ranges)

    __str__ = format

    def __repr__(self) -> str:
        return f"Pool({self.format()!r})"

    # Reading --------------------------------------------------------------------------------

    @property
    def ranges(self) -> tuple[Span, ...]:
        return self._ranges

    @property
    def size(self) -> int:
        return sum(r.size for r in self._ranges)

    def __iter__(self) -> Iterator[Span]:
        return iter(self._ranges)

    def __bool__(self) -> bool:
        return bool(self._ranges)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pool) and self._ranges == other._ranges

    def __hash__(self) -> int:
        return hash(self._ranges)

    def contains(self, item: int | Pool) -> bool:
        """A number, or every number of another pool, is in this pool."""
        if isinstance(item, Pool):
            return not item.difference(self)
        i = bisect_right(self._starts, item) - 1
        return i >= 0 and item <= self._ranges[i].end

    __contains__ = contains

    def numbers(self, offset: int = 0, limit: int | None = None) -> Iterator[int]:
        """The numbers in order, from the offset-th, without expanding the ranges before it
        (pagination over a pool of millions)."""
        remaining = limit
        for r in self._ranges:
            if offset >= r.size:
                offset -= r.size
                continue
            n = r.start + offset
            offset = 0
            while n <= r.end:
                if remaining is not None:
                    if remaining == 0:
                        return
                    remaining -= 1
                yield n
                n += 1

    # Set algebra ----------------------------------------------------------------------------

    def union(self, other: Pool) -> Pool:
        return Pool((*self._ranges, *other._ranges))

    __or__ = union

    def intersection(self, other: Pool) -> Pool:
        out: list[Span] = []
        a, b = self._ranges, other._ranges
        i = j = 0
        while i < len(a) and j < len(b):
            start, end = max(a[i].start, b[j].start), min(a[i].end, b[j].end)
            if start <= end:
                out.append(Span(start, end))
            if a[i].end < b[j].end:
                i += 1
            else:
                j += 1
        return Pool(out)

    __and__ = intersection

    def difference(self, other: Pool) -> Pool:
        if not other or not self:
            return self  # pools are immutable: nothing to take away, or from
        out: list[Span] = []
        b = other._ranges
        j = 0
        for r in self._ranges:
            start = r.start
            while j < len(b) and b[j].end < start:
                j += 1
            k = j
            while k < len(b) and b[k].start <= r.end:
                if b[k].start > start:
                    out.append(Span(start, b[k].start - 1))
                start = max(start, b[k].end + 1)
                k += 1
            if start <= r.end:
                out.append(Span(start, r.end))
        return Pool(out)

    __sub__ = difference

    def diff(self, new: Pool) -> tuple[Pool, Pool]:
        """(added, removed) going from this pool to `new`."""
        return new.difference(self), self.difference(new)
