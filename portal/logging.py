"""A logging filter that keeps secrets out of every log line."""

import logging
import re

_PATTERNS = [
    # Authorization headers and bearer tokens.
    (
        re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?(?:bearer|token)\s+)[^\s'\",]+"),
        r"\1[redacted]",
    ),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"), r"\1[redacted]"),
    # Keys passed as query parameters or key=value pairs.
    (
        re.compile(r"(?i)\b(appid|api_key|apikey|password|secret|token)=([^&\s'\"]+)"),
        r"\1=[redacted]",
    ),
    # Portal API tokens (prefix pt_).
    (re.compile(r"\bpt_[A-Za-z0-9_-]{20,}"), "pt_[redacted]"),
    # The secret token in a webhook's address (/hooks/dlr/<token>/, /hooks/inbound/<token>/,
    # ...), as a web server's request line shows it.
    (re.compile(r"(/hooks/(?:[a-z-]+/)+)[A-Za-z0-9_-]{16,}"), r"\1[redacted]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
