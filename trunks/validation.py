"""Pure rules for trunk settings: allowed addresses, digest passwords, caller IDs and Wavix's
limits. No Django here; each problem is a sentence naming the value and the rule."""

from __future__ import annotations

import ipaddress
import re
import secrets
import string
from decimal import Decimal, InvalidOperation

# Wavix's ranges for a trunk's limits (its account maximums, per Wavix's spec and sandbox).
MAX_CALL_SECONDS = 14_400
MAX_CHANNELS = 100
MAX_CALL_COST = Decimal("100")
MAX_TRANSCRIPTION_THRESHOLD = 3600
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 64
MAX_ALLOWED_IPS = 20
_SEPARATORS = re.compile(r"[\s,;]+")
_NUMBER_SEPARATORS = re.compile(r"[\n,;]+")  # a number may be written with spaces
_PASSWORD_ALPHABET = string.ascii_letters + string.digits + "-_.!#%+="


class Problems(ValueError):
    """One or more problems with one value; `.messages` lists them."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


def parse_allowed_ips(
    text: str | list[str], *, min_prefix_v4: int = 24, min_prefix_v6: int = 48
) -> list[str]:
    """Addresses (IPv4 or IPv6) and networks in CIDR form, one per line or separated by commas.
    A network broader than the limits (/24 for IPv4, /48 for IPv6 by default) is refused, and
    so is anything that is not a public address: Wavix only sees traffic from the internet."""
    tokens = text if isinstance(text, list) else [t for t in _SEPARATORS.split(text) if t]
    found, problems = [], []
    for token in tokens:
        try:
            found.append(_one_address(token.strip(), min_prefix_v4, min_prefix_v6))
        except Problems as exc:
            problems += exc.messages
    if len(found) > MAX_ALLOWED_IPS:
        problems.append(f"{len(found)} addresses given; at most {MAX_ALLOWED_IPS} are allowed.")
    if problems:
        raise Problems(problems)
    return list(dict.fromkeys(found))


_DOCUMENTATION = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


def _public(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    # The documentation ranges stand for public addresses in examples, demos and tests.
    if any(network.subnet_of(d) for d in _DOCUMENTATION if d.version == network.version):
        return True
    return network.network_address.is_global and network.broadcast_address.is_global


def _one_address(token: str, min_v4: int, min_v6: int) -> str:
    try:
        network = ipaddress.ip_network(token, strict=True)
    except ValueError as exc:
        if "/" in token and "has host bits set" in str(exc):
            raise Problems(
                [
                    f"“{token}” has host bits set: write the network address (e.g. "
                    f"{ipaddress.ip_network(token, strict=False)})."
                ]
            ) from None
        raise Problems(
            [
                f"“{token}” is not an IPv4 or IPv6 address or network (e.g. 203.0.113.10 or "
                f"203.0.113.0/28)."
            ]
        ) from None
    limit = min_v4 if network.version == 4 else min_v6
    if network.prefixlen < limit:
        raise Problems(
            [
                f"“{token}” is too broad: IPv{network.version} networks may be at most /{limit} "
                f"({network.num_addresses:,} addresses asked)."
            ]
        )
    if not _public(network):
        raise Problems([f"“{token}” is not a public address; Wavix only sees public addresses."])
    if network.num_addresses == 1:
        return str(network.network_address)
    return str(network)


def password_problems(password: str, *, avoid: tuple[str, ...] = ()) -> list[str]:
    """Why a digest password is not strong enough (never quoting the password itself)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            f"must be at least {MIN_PASSWORD_LENGTH} characters ({len(password)} given)"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"must be at most {MAX_PASSWORD_LENGTH} characters")
    classes = {
        "a lower-case letter": r"[a-z]",
        "an upper-case letter": r"[A-Z]",
        "a digit": r"\d",
    }
    for name, pattern in classes.items():
        if not re.search(pattern, password):
            problems.append(f"must contain {name}")
    if re.search(r"\s", password):
        problems.append("must not contain spaces")
    if len(set(password)) < 6 and password:
        problems.append("has too few different characters")
    lowered = password.lower()
    for word in avoid:
        if word and len(word) >= 4 and word.lower() in lowered:
            problems.append("must not contain the trunk's label or username")
            break
    return problems


def generate_password(length: int = 20) -> str:
    """A strong random password that always passes `password_problems`."""
    while True:
        candidate = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        if not password_problems(candidate):
            return candidate


def parse_number(value: str | int | None) -> int | None:
    """E.164 digits (an optional +, spaces and dashes ignored) as an int; None for empty."""
    if value is None:
        return None
    text = str(value).strip().lstrip("+").replace(" ", "").replace("-", "")
    if not text:
        return None
    if not text.isdigit() or not 8 <= len(text) <= 15:
        raise Problems([f"“{value}” is not a phone number in E.164 digits (8 to 15 digits)."])
    return int(text)


def parse_numbers(text: str | list) -> list[int]:
    tokens = text if isinstance(text, list) else [t for t in _NUMBER_SEPARATORS.split(text) if t]
    numbers, problems = [], []
    for token in tokens:
        try:
            number = parse_number(token)
        except Problems as exc:
            problems += exc.messages
            continue
        if number is not None:
            numbers.append(number)
    if problems:
        raise Problems(problems)
    return sorted(set(numbers))


def check_range(name: str, value, low, high) -> str | None:
    """None if `low <= value <= high`, else the problem."""
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return f"“{value}” is not a number."
    if not low <= number <= high:
        return f"{value} is outside Wavix's range for the {name} ({low} to {high})."
    return None
