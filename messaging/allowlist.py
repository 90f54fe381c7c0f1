"""A channel's inbound source-address allowlist (pure): addresses or CIDR networks, one per
line; blank means any address. Parsed the same way by the channel form (which names the bad
line) and by the webhooks (which refuse a request from elsewhere)."""

from __future__ import annotations

import ipaddress

MAX_LINES = 100
MAX_LINE = 64
# Wavix's documented callback address: the channel form suggests it.
WAVIX_CALLBACK_ADDRESS = "62.212.73.112"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class AllowlistError(ValueError):
    def __init__(self, line: int, value: str, rule: str) -> None:
        super().__init__(f"Line {line} “{value[:MAX_LINE]}” {rule}")
        self.line, self.value, self.rule = line, value, rule


def parse(text: str | None) -> list[Network]:
    """The networks of the allowlist (an address is a /32 or /128 network). Raises
    AllowlistError naming the first bad line."""
    lines = [line.strip() for line in str(text or "").splitlines()]
    filled = [(n, line) for n, line in enumerate(lines, start=1) if line]
    if len(filled) > MAX_LINES:
        raise AllowlistError(
            filled[MAX_LINES][0], filled[MAX_LINES][1], f"is past the limit of {MAX_LINES} lines."
        )
    networks = []
    for number, line in filled:
        if len(line) > MAX_LINE:
            raise AllowlistError(number, line, f"is longer than {MAX_LINE} characters.")
        try:
            networks.append(ipaddress.ip_network(line, strict=False))
        except ValueError:
            raise AllowlistError(
                number,
                line,
                "is not an IP address or a network (e.g. 62.212.73.112 or 62.212.73.0/24).",
            ) from None
    return networks


def allows(text: str | None, address: str | None) -> bool:
    """Whether `address` may post. A blank list allows any; an allowlist that no longer
    parses (edited outside the form) allows none, so a mistake fails closed."""
    if not str(text or "").strip():
        return True
    try:
        networks = parse(text)
        ip = ipaddress.ip_address(str(address or "").strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)
