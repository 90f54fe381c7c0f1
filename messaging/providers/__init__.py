"""The providers a channel can be: one adapter each, registered by kind (like dids/usage.py's
checkers). `provider_for(channel)` is the one way to get the adapter of a channel."""

from __future__ import annotations

from .base import Capabilities, DeliveryReport, InboundMessage, Outbound, Provider, SendResult
from .errors import BadPayload, ProviderError

_providers: dict[str, type[Provider]] = {}


def register(cls: type[Provider]) -> type[Provider]:
    _providers[cls.kind] = cls
    return cls


def unregister(kind: str) -> None:
    _providers.pop(kind, None)


def provider_class(kind: str) -> type[Provider]:
    try:
        return _providers[kind]
    except KeyError:
        raise LookupError(f"no messaging provider of kind {kind!r} is registered") from None


def provider_for(channel) -> Provider:
    return provider_class(channel.kind)(channel)


def registered_kinds() -> list[str]:
    return sorted(_providers)


__all__ = [
    "BadPayload",
    "Capabilities",
    "DeliveryReport",
    "InboundMessage",
    "Outbound",
    "Provider",
    "ProviderError",
    "SendResult",
    "provider_class",
    "provider_for",
    "register",
    "registered_kinds",
    "unregister",
]
