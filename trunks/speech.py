"""Transcripts and speech search, plain logic: Wavix's turns as agent/client lines, the
phrases a person types (bounded), which phrases a transcript contains, and highlighting them
safely (each piece escaped, then the matches marked)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape

# Who said a phrase and how it counts: the names Wavix's search takes, defined with its client.
from portal.wavix.client import CRITERIA as CRITERIA
from portal.wavix.client import SPEAKERS as SPEAKERS

MAX_PHRASES = 20  # per field
MAX_PHRASE_CHARS = 100
MAX_TURN_CHARS = 5000
MAX_TURNS = 2000


def _digits(number: object) -> str:
    return re.sub(r"\D", "", str(number or ""))


def speaker_turns(turns: Iterable[Mapping], *, own_number: str) -> list[dict]:
    """Wavix's turns ({type: the speaker's number, s, e, text}) as {speaker, start_ms,
    end_ms, text}: the tenant's own number is the agent (the caller of a placed call, the
    callee of a received one), anyone else the client. In time order; bounded."""
    own = _digits(own_number)
    out = []
    for turn in list(turns)[:MAX_TURNS]:
        if not isinstance(turn, Mapping):
            continue
        start, end = _ms(turn.get("s")), _ms(turn.get("e"))
        out.append(
            {
                "speaker": "agent" if _digits(turn.get("type")) == own else "client",
                "start_ms": start,
                "end_ms": max(start, end),
                "text": str(turn.get("text") or "")[:MAX_TURN_CHARS],
            }
        )
    return sorted(out, key=lambda t: t["start_ms"])


def _ms(value: object) -> int:
    try:
        return max(0, int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def clock(ms: int) -> str:
    """mm:ss (or h:mm:ss) of a time in milliseconds."""
    seconds = int(ms) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


@dataclass(frozen=True)
class PhraseError(Exception):
    rule: str
    value: str = ""


def phrases(text: str) -> list[str]:
    """One word or phrase per line, trimmed, blank lines dropped, duplicates once; raises
    PhraseError past MAX_PHRASES or MAX_PHRASE_CHARS (checked before anything else)."""
    if len(text) > MAX_PHRASES * (MAX_PHRASE_CHARS + 2):
        raise PhraseError(f"must be at most {MAX_PHRASES} lines of {MAX_PHRASE_CHARS} characters")
    found: list[str] = []
    for line in text.splitlines():
        phrase = " ".join(line.split())
        if not phrase:
            continue
        if len(phrase) > MAX_PHRASE_CHARS:
            raise PhraseError(f"each line must be at most {MAX_PHRASE_CHARS} characters", phrase)
        if phrase.lower() not in (p.lower() for p in found):
            found.append(phrase)
    if len(found) > MAX_PHRASES:
        raise PhraseError(f"must be at most {MAX_PHRASES} words or phrases", str(len(found)))
    return found


def said(turns: Iterable[Mapping], speaker: str) -> list[Mapping]:
    return [t for t in turns if speaker == "any" or t.get("speaker") == speaker]


def found_phrases(turns: list[Mapping], criteria: Mapping[str, Mapping]) -> list[str]:
    """The must/match phrases of `criteria` that the speakers named said (case-insensitive)."""
    out: list[str] = []
    for speaker, lists in criteria.items():
        text = "\n".join(str(t.get("text", "")).lower() for t in said(turns, speaker))
        for kind in ("must", "match"):
            for phrase in lists.get(kind) or []:
                if phrase.lower() in text and phrase not in out:
                    out.append(phrase)
    return out


def matching_turns(turns: list[Mapping], criteria: Mapping[str, Mapping]) -> list[Mapping]:
    """The turns holding a must/match phrase, said by the speaker it was asked of."""
    wanted: dict[str, list[str]] = {}
    for speaker, lists in criteria.items():
        for kind in ("must", "match"):
            wanted.setdefault(speaker, []).extend(p.lower() for p in lists.get(kind) or [])
    out = []
    for turn in turns:
        text = str(turn.get("text", "")).lower()
        for speaker, items in wanted.items():
            if (speaker == "any" or turn.get("speaker") == speaker) and any(
                p in text for p in items
            ):
                out.append(turn)
                break
    return out


def highlight(text: str, words: Iterable[str]) -> str:
    """`text` as HTML with each occurrence of `words` in <mark>: the text is cut at the
    matches and every piece escaped, so no markup from the transcript gets through."""
    wanted = sorted({w for w in words if w}, key=len, reverse=True)
    if not wanted:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in wanted), re.IGNORECASE)
    out, last = [], 0
    for found in pattern.finditer(text):
        out.append(escape(text[last : found.start()]))
        out.append(f"<mark>{escape(found.group())}</mark>")
        last = found.end()
    out.append(escape(text[last:]))
    return "".join(out)
