"""Opt-out keywords (pure, no Django): what an inbound text asks for when it is one of the
carriers' keywords on its own, and the portal's default answers.

Only the whole message counts (trimmed, any case): "STOP" opts out, "stop please" is a
conversation like any other, so an agent reads it instead of it silently ending the thread.
"""

from __future__ import annotations

STOP, START, HELP = "stop", "start", "help"

WORDS: dict[str, str] = {
    **dict.fromkeys(("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"), STOP),
    **dict.fromkeys(("START", "UNSTOP", "YES"), START),
    **dict.fromkeys(("HELP", "INFO"), HELP),
}

DEFAULT_REPLIES: dict[str, str] = {
    STOP: "You are unsubscribed and will receive no more messages from this number. "
    "Reply START to subscribe again.",
    START: "You are subscribed again and can receive messages from this number. "
    "Reply STOP to unsubscribe.",
    HELP: "Reply STOP to unsubscribe, START to subscribe again.",
}

# A longer message cannot be a keyword: checked before any string work on it.
_LONGEST = max(map(len, WORDS))
_SLACK = 64  # whitespace around the word a phone may add


def classify(text: str | None) -> str | None:
    """`stop`, `start`, `help` or None."""
    if not text or len(text) > _LONGEST + _SLACK:
        return None
    return WORDS.get(text.strip().upper())


def reply_text(kind: str, custom: str = "") -> str:
    """The tenant's wording for `kind`, or the default when it set none."""
    if kind not in DEFAULT_REPLIES:
        raise ValueError(f"unknown keyword kind {kind!r}")
    custom = (custom or "").strip()
    return custom or DEFAULT_REPLIES[kind]
