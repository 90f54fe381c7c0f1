"""The seed's domain requirement for Apidaze, checked on the portal's own public address (the
one in the webhook URLs Apidaze is given): its host name must hold no underscore, and it must
be served over https with a certificate that validates, or Apidaze's authentication fails
and inbound messages never arrive.

The underscore and the scheme are read from the address. The certificate is checked by a
TLS handshake with the host (3 seconds at most, the result kept 10 minutes) only on the
channel page's view, never inside a transaction, and never with the sandbox on (its portal
is local and served over plain http): there the page says the certificate must be valid.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

HANDSHAKE_TIMEOUT = 3.0  # seconds: the channel page waits no longer
CACHE_SECONDS = 600


@dataclass(frozen=True)
class Check:
    ok: bool | None  # None: not checked here (said in the sentence)
    text: str


def tls_verified(host: str, port: int) -> str:
    """ "" when a TLS handshake with host:port validates its certificate against the system's
    authorities and the host name, else why it does not."""
    context = ssl.create_default_context()
    try:
        with (
            socket.create_connection((host, port), timeout=HANDSHAKE_TIMEOUT) as raw,
            context.wrap_socket(raw, server_hostname=host),
        ):
            return ""
    except ssl.SSLCertVerificationError as exc:
        return exc.verify_message or "the certificate does not validate"
    except (OSError, ssl.SSLError) as exc:
        return f"no TLS handshake ({type(exc).__name__}: {str(exc)[:80]})"


def _certificate(host: str, port: int) -> str:
    key = f"apidaze-domain-tls:{host}:{port}"
    found = cache.get(key)
    if found is None:
        found = tls_verified(host, port)
        cache.set(key, found, CACHE_SECONDS)
    return found


def domain_checks(address: str) -> list[Check]:
    """Each requirement on the portal's public address, in a plain sentence."""
    parts = urlsplit(address)
    host = parts.hostname or ""
    checks = []
    if "_" in host:
        checks.append(
            Check(
                False,
                f"The host name “{host}” contains an underscore: Apidaze refuses it "
                "(authentication fails, inbound messages never arrive). Serve the portal "
                "under a name without one and set PORTAL_BASE_URL to it.",
            )
        )
    else:
        checks.append(Check(True, f"The host name “{host}” contains no underscore."))
    if parts.scheme != "https":
        checks.append(
            Check(
                False,
                f"The portal's address is served over {parts.scheme or 'no scheme'}, not "
                "https: Apidaze needs https with a valid certificate.",
            )
        )
        return checks
    if settings.WAVIX_SANDBOX_ENABLED or "_" in host:
        checks.append(
            Check(
                None,
                f"The portal is served over https; the certificate of “{host}” must be valid "
                "(issued by a public authority, for this name, not expired): not checked here.",
            )
        )
        return checks
    problem = _certificate(host, parts.port or 443)
    if problem:
        checks.append(Check(False, f"The certificate of “{host}” does not validate: {problem}."))
    else:
        checks.append(
            Check(
                True, f"The portal is served over https and the certificate of “{host}” is valid."
            )
        )
    return checks
