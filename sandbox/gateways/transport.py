"""The in-process transport of sandbox/wavix/ for the gateways' fake: the same, with an
answer body read as urllib3's is (`raw.read(n, decode_content=True)`), as the portal's
providers' client reads it, streaming and bounded."""

from __future__ import annotations

import io

from sandbox.wavix.transport import SandboxTransport


class _Body(io.BytesIO):
    def read(self, size: int | None = -1, decode_content: bool = False) -> bytes:
        return super().read(size)


class GatewayTransport(SandboxTransport):
    def build_response(self, request, captured: dict, content: bytes):
        response = super().build_response(request, captured, content)
        response.raw = _Body(content)
        return response
