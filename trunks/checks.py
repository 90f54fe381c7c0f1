"""A system check: the allowed-address limits of trunks used to be prefix lengths
(TRUNK_MIN_PREFIX_IPV4/6). Those variables are no longer read; one still set would be
silently ignored, so `manage.py check` (and every management command) says so."""

import os

from django.core.checks import Warning

RETIRED = {
    "TRUNK_MIN_PREFIX_IPV4": "TRUNK_MAX_NETWORK_ADDRESSES",
    "TRUNK_MIN_PREFIX_IPV6": "TRUNK_MAX_NETWORK_ADDRESSES",
}


def retired_address_settings(app_configs=None, **kwargs) -> list[Warning]:
    return [
        Warning(
            f"{name} is set but no longer read.",
            hint=f"Wavix takes single addresses, so a network is sent as all its addresses: "
            f"set {replacement} (the most addresses one network may cover, default 32: IPv4 "
            "/27, IPv6 /123) and TRUNK_MAX_ALLOWED_ADDRESSES (a trunk in all, default 64).",
            id="trunks.W001",
        )
        for name, replacement in RETIRED.items()
        if name in os.environ
    ]
