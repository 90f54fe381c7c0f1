"""What tenant users read when a Wavix call fails: a plain sentence, never the technical text
(the operation, the status, the host), and advice that fits the cause."""

import pytest

from portal.wavix import plain
from portal.wavix.errors import (
    WavixAuthError,
    WavixKeyUnreadable,
    WavixNetworkError,
    WavixNotProvisioned,
    WavixRateLimited,
    WavixServerError,
    WavixValidationError,
)

WHERE = {"method": "POST", "path": "/v1/e911-records"}
TIMEOUT = WavixNetworkError(
    "ReadTimeout: HTTPConnectionPool(host='127.0.0.1', port=8000): Read timed out.",
    outcome_unknown=True,
    **WHERE,
)


@pytest.mark.parametrize(
    ("exc", "cause", "advice"),
    [
        (TIMEOUT, "Wavix did not answer in time", "Try again later"),
        (WavixRateLimited("slow down", status=429, **WHERE), "too busy", "Try again later"),
        (WavixServerError("oops", status=503, **WHERE), "problem on its side", "Try again"),
        (WavixValidationError("address.zip", status=422, **WHERE), "refused", "Check the"),
        (WavixAuthError("Unauthorized", status=401, **WHERE), "not set up", "Contact support"),
        (WavixNotProvisioned("no E911", status=403, **WHERE), "not set up", "Contact support"),
        (WavixKeyUnreadable("cannot decrypt", **WHERE), "not set up", "Contact support"),
    ],
)
def test_each_failure_has_a_plain_cause_and_fitting_advice(exc, cause, advice):
    said = f"{plain.cause(exc)}. {plain.advice(exc)}"
    assert cause in said and advice in said
    for technical in ("HTTPConnectionPool", "ReadTimeout", "/v1/", "POST", "127.0.0.1", "4", "5"):
        assert technical not in said
