"""Pure rules for trunk settings: allowed addresses, digest passwords, caller IDs and Wavix's
limits. No Django here; each problem is a sentence naming the value and the rule."""

from __future__ import annotations

import ipaddress
import re
import secrets
import string
from decimal import Decimal, InvalidOperation

from portal import phone

# Wavix's ranges for a trunk's limits (its account maximums, per Wavix's spec and sandbox).
MAX_CALL_SECONDS = 14_400
MAX_CHANNELS = 100
MAX_CALL_COST = Decimal("100")
MAX_TRANSCRIPTION_THRESHOLD = 3600
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 64
_SEPARATORS = re.compile(r"[\s,;]+")
_NUMBER_SEPARATORS = re.compile(r"[\n,;]+")  # a number may be written with spaces
_PASSWORD_ALPHABET = string.ascii_letters + string.digits + "-_.!#%+="


class Problems(ValueError):
    """One or more problems with one value; `.messages` lists them."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


def parse_allowed_ips(
    text: str | list[str],
    *,
    max_network_addresses: int = 32,
    max_addresses: int = 64,
) -> list[str]:
    """Addresses (IPv4 or IPv6) and networks in CIDR form, one per line or separated by commas,
    as typed (normalised, duplicates dropped). Wavix takes single addresses, so a network is
    sent as all its addresses (`expand_allowed_ips`): no network may cover more than
    `max_network_addresses` (32 by default: IPv4 /27, IPv6 /123) and all of them together no
    more than `max_addresses`. Anything that is not a public address is refused too: Wavix
    only sees traffic from the internet."""
    tokens = text if isinstance(text, list) else [t for t in _SEPARATORS.split(text) if t]
    found, problems = [], []
    for token in tokens:
        try:
            found.append(_one_address(token.strip(), max_network_addresses))
        except Problems as exc:
            problems += exc.messages
    found = list(dict.fromkeys(found))
    if not problems:
        problems += _total_problems(found, max_addresses)
    if problems:
        raise Problems(problems)
    return found


def expand_allowed_ips(
    entries: list[str], *, max_network_addresses: int, max_addresses: int
) -> list[str]:
    """The single addresses Wavix is sent for these addresses and networks, in the order
    given, each once. Every address of a network is included, network and broadcast
    addresses too: Wavix matches source addresses, and the network is what the administrator
    allowed. Limits are checked before anything is expanded (a stored network may predate
    them)."""
    networks, problems = [], []
    for entry in entries:
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            problems.append(f"“{entry}” is not an IPv4 or IPv6 address or network.")
            continue
        if network.num_addresses > max_network_addresses or network.prefixlen == 0:
            problems.append(_too_broad(entry, network, max_network_addresses))
        networks.append(network)
    if not problems:
        problems += _total_problems([str(n) for n in networks], max_addresses)
    if problems:
        raise Problems(problems)
    return list(dict.fromkeys(str(address) for network in networks for address in network))


def collapse_allowed_ips(
    addresses: list[str], *, max_network_addresses: int | None = None
) -> list[str]:
    """Addresses (as Wavix holds them) back into the fewest networks, IPv4 first; a single
    address stays an address. With `max_network_addresses`, no network is broader than the
    portal allows (a broader block is written as several). Anything unreadable is kept as it
    is, at the end, so a comparison still sees it."""
    by_version: dict[int, list] = {4: [], 6: []}
    unreadable = []
    for text in addresses:
        try:
            network = ipaddress.ip_network(str(text).strip(), strict=False)
        except ValueError:
            unreadable.append(text)
            continue
        by_version[network.version].append(network)
    collapsed = []
    for version, networks in by_version.items():
        widest = widest_prefix(version, max_network_addresses) if max_network_addresses else None
        for network in ipaddress.collapse_addresses(networks):
            if widest is not None and network.prefixlen < widest:
                collapsed += list(network.subnets(new_prefix=widest))
            else:
                collapsed.append(network)
    return [_written(network) for network in collapsed] + unreadable


def same_addresses(first: list[str], second: list[str]) -> bool:
    """Whether two lists of addresses and networks allow exactly the same addresses."""
    return collapse_allowed_ips(list(first)) == collapse_allowed_ips(list(second))


def _written(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
    return str(network.network_address) if network.num_addresses == 1 else str(network)


def widest_prefix(version: int, max_network_addresses: int) -> int:
    """The shortest prefix whose networks cover at most `max_network_addresses` addresses."""
    bits = 32 if version == 4 else 128
    return bits - min(bits, max(1, max_network_addresses).bit_length() - 1)


def _too_broad(token: str, network, max_network_addresses: int) -> str:
    if network.num_addresses <= max_network_addresses:  # only the whole internet is left
        return f"“{token}” is the whole internet: give the addresses of the PBX or SBC."
    if max_network_addresses <= 1:
        return (
            f"“{token}” is a network: give single addresses (Wavix takes single addresses, "
            "and networks are not allowed here)."
        )
    widest = widest_prefix(network.version, max_network_addresses)
    size = network.num_addresses
    has = f"{size:,}" if size < 1_000_000 else f"2^{network.max_prefixlen - network.prefixlen}"
    return (
        f"“{token}” is broader than /{widest}: Wavix takes single addresses, so a network is "
        f"sent as its {2 ** (network.max_prefixlen - widest)} or fewer addresses "
        f"(this one has {has})."
    )


def _total_problems(entries: list[str], max_addresses: int) -> list[str]:
    """The addresses all entries cover together (overlaps counted once), against the limit."""
    networks = [ipaddress.ip_network(e, strict=False) for e in entries]
    total = sum(
        n.num_addresses
        for version in (4, 6)
        for n in ipaddress.collapse_addresses(x for x in networks if x.version == version)
    )
    if total <= max_addresses:
        return []
    parts = [
        f"{entry}: {network.num_addresses:,}"
        for entry, network in zip(entries, networks, strict=True)
        if network.num_addresses > 1
    ]
    singles = sum(n.num_addresses == 1 for n in networks)
    if singles:
        parts.append(f"{singles} single address{'es' if singles > 1 else ''}")
    return [
        f"These addresses and networks cover {total:,} addresses ({', '.join(parts)}); at most "
        f"{max_addresses} are allowed in all: Wavix takes single addresses, so every network "
        "is sent as all its addresses."
    ]


_DOCUMENTATION = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


def _public(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    # The documentation ranges stand for public addresses in examples, demos and tests.
    if any(network.subnet_of(d) for d in _DOCUMENTATION if d.version == network.version):
        return True
    return network.network_address.is_global and network.broadcast_address.is_global


def _one_address(token: str, max_network_addresses: int) -> str:
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
                f"203.0.113.16/29)."
            ]
        ) from None
    if network.num_addresses > max_network_addresses or network.prefixlen == 0:
        raise Problems([_too_broad(token, network, max_network_addresses)])
    if not _public(network):
        raise Problems([f"“{token}” is not a public address; Wavix only sees public addresses."])
    return _written(network)


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
    if not str(value).strip().lstrip("+"):
        return None
    number, why = phone.reason(str(value))
    if why is not None:
        raise Problems(
            [f"“{value}” is not a phone number in E.164 digits (8 to 15 digits): it {why}."]
        )
    return number


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
