"""The credentials each fake gateway accepts (any other is refused with a 401), and the
header a channel sends them in."""

from __future__ import annotations

import base64

BULKSMS_TOKEN = ("sandbox-token-id", "sandbox-token-secret")
CLICKATELL_KEY = "sandbox-clickatell-key"
BURSTSMS_KEY = ("sandbox-api-key", "sandbox-api-secret")


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# The custom header line of a channel pointed at each fake.
HEADERS = {
    "bulksms": f"Authorization: {basic(*BULKSMS_TOKEN)}",
    "clickatell": f"Authorization: {CLICKATELL_KEY}",
    "burstsms": f"Authorization: {basic(*BURSTSMS_KEY)}",
}
EXPECTED = {gateway: line.split(": ", 1)[1] for gateway, line in HEADERS.items()}
