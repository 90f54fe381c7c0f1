"""What the sandbox makes up for recorded calls, deterministically from the call id: whether
a call was recorded, a small WAV file of tones, and a realistic conversation between the
agent (the account's own number) and the client, with times; plus the transcript search's
matching (Wavix's must / match / exclude, case-insensitive phrases, per speaker)."""

from __future__ import annotations

import hashlib
import io
import math
import struct
import wave
from collections.abc import Iterable, Mapping

SAMPLE_RATE = 8000  # telephone audio
FILE_SECONDS = 4  # a few seconds are enough to play and to seek in
RETENTION_DAYS = 90  # older recordings are gone, as Wavix's retention policy deletes them

# Conversations by topic: (speaker, text). The agent is the account's side of the call.
DIALOGUES: dict[str, list[tuple[str, str]]] = {
    "appointment": [
        ("agent", "Good morning, Acme Dental, how can I help you?"),
        ("client", "Hi, I would like to book an appointment for a cleaning."),
        ("agent", "Of course. Does Thursday at ten in the morning work for you?"),
        ("client", "Thursday at ten is perfect, thank you."),
        ("agent", "Your appointment is confirmed. We will send you a reminder."),
        ("client", "Great, thanks a lot. Bye."),
    ],
    "billing": [
        ("agent", "Thank you for calling billing, this is Sam speaking."),
        ("client", "Hello, I have a question about my last invoice."),
        ("agent", "Sure, can you read me the invoice number please?"),
        ("client", "It is invoice 4417, I think I was charged twice."),
        ("agent", "I see the duplicate charge. I will issue a refund today."),
        ("client", "Thank you, that solves it."),
    ],
    "support": [
        ("agent", "Technical support, how can I help?"),
        ("client", "My internet connection keeps dropping every evening."),
        ("agent", "Let me check your line. Have you restarted the router?"),
        ("client", "Yes, twice, and the problem is still there."),
        ("agent", "I am opening a ticket and a technician will call you tomorrow."),
        ("client", "Okay, thank you for your help."),
    ],
}
SUMMARIES = {
    "appointment": "The client booked a cleaning appointment for Thursday at ten.",
    "billing": "The client reported a duplicate charge on an invoice; the agent issued a refund.",
    "support": "The client reported a dropping connection; the agent opened a ticket.",
}
SCORES = {"appointment": "4.6", "billing": "3.9", "support": "3.2"}


def _digest(call_id: str) -> bytes:
    return hashlib.sha256(str(call_id).encode()).digest()


def is_recorded(call_id: str, disposition: str, duration: int) -> bool:
    """Answered calls are recorded, except one in four (recording off on that number)."""
    return disposition == "answered" and duration > 0 and _digest(call_id)[0] % 4 != 0


def transcribed_at_first(call_id: str) -> bool:
    """Two recorded calls in three were transcribed automatically; the rest wait for a
    request."""
    return _digest(call_id)[1] % 3 != 0


def topic(call_id: str) -> str:
    topics = sorted(DIALOGUES)
    return topics[_digest(call_id)[2] % len(topics)]


def turns(call_id: str, *, agent: str, client: str, duration: int) -> list[dict]:
    """The conversation as Wavix's turns: `type` is the speaker's number, `s`/`e` in ms from
    the answer, spread over the call's duration."""
    lines = DIALOGUES[topic(call_id)]
    span = max(duration, len(lines) * 2) * 1000 // len(lines)
    out = []
    for i, (speaker, text) in enumerate(lines):
        start = i * span + 150
        out.append(
            {
                "type": agent if speaker == "agent" else client,
                "s": start,
                "e": start + span * 4 // 5,
                "text": text,
                "sentiment": "neutral",
            }
        )
    return out


def wav(call_id: str, seconds: int = FILE_SECONDS) -> bytes:
    """A small mono 16-bit WAV: a few tones whose pitches come from the call id."""
    digest = _digest(call_id)
    pitches = [300 + digest[i] * 3 for i in range(4)]
    frames = bytearray()
    per_tone = SAMPLE_RATE * seconds // len(pitches)
    for pitch in pitches:
        for n in range(per_tone):
            sample = int(8000 * math.sin(2 * math.pi * pitch * n / SAMPLE_RATE))
            frames += struct.pack("<h", sample)
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(SAMPLE_RATE)
        file.writeframes(bytes(frames))
    return out.getvalue()


def said_by(turn_list: Iterable[Mapping], speaker: str, agent: str) -> str:
    """What `speaker` (agent, client, any) said, lower-cased, one line per turn."""
    texts = []
    for turn in turn_list:
        is_agent = str(turn.get("type", "")).lstrip("+") == agent.lstrip("+")
        if speaker == "any" or (speaker == "agent") == is_agent:
            texts.append(str(turn.get("text", "")).lower())
    return "\n".join(texts)


def matches(turn_list: list[Mapping], criteria: Mapping[str, Mapping], agent: str) -> bool:
    """Wavix's search semantics: per speaker, all of `must`, at least one of `match` (when
    given), none of `exclude`; phrases case-insensitive."""
    for speaker, lists in criteria.items():
        text = said_by(turn_list, speaker, agent)
        must = [p.lower() for p in lists.get("must") or []]
        match = [p.lower() for p in lists.get("match") or []]
        exclude = [p.lower() for p in lists.get("exclude") or []]
        if not all(p in text for p in must):
            return False
        if match and not any(p in text for p in match):
            return False
        if any(p in text for p in exclude):
            return False
    return True


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) of a single `bytes=a-b` range within `size`, or None when it cannot be
    served (the answer is then 416)."""
    unit, _, spec = header.partition("=")
    if unit.strip() != "bytes" or "," in spec:
        return None
    first, _, last = spec.strip().partition("-")
    try:
        if first == "":
            length = int(last)
            return (max(0, size - length), size - 1) if length > 0 else None
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start > end or start >= size:
        return None
    return start, min(end, size - 1)
