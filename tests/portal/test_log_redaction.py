"""Secrets stay out of the log lines the portal writes, the web server's request lines too."""

import io
import logging

import pytest

from portal.logging import redact

TOKEN = "FLRt_OlQ-dqXQshgzWEbhTHr3547YYx2"


@pytest.mark.parametrize(
    "path",
    [
        f"/hooks/dlr/{TOKEN}/",
        f"/hooks/inbound/{TOKEN}/",
        f"/hooks/transcriptions/{TOKEN}/",
        f"/hooks/demo-receiver/{TOKEN}/",
    ],
)
def test_a_webhook_address_loses_its_token_and_keeps_the_rest(path):
    line = redact(f'"POST {path} HTTP/1.1" 200 25')
    assert TOKEN not in line
    assert line.startswith(f'"POST {path.replace(TOKEN, "[redacted]")} HTTP/1.1"')


def test_an_ordinary_address_is_left_as_it_is():
    line = '"GET /t/acme/numbers/?page=2 HTTP/1.1" 200 5120'
    assert redact(line) == line


def test_the_development_servers_request_line_goes_through_the_redacting_handler():
    logger = logging.getLogger("django.server")
    # The configured console handler (pytest adds its own beside it).
    consoles = [h for h in logger.handlers if type(h) is logging.StreamHandler]
    assert not logger.propagate and consoles
    written = io.StringIO()
    streams = [handler.setStream(written) for handler in consoles]
    try:
        logger.info('"%s %s %s" %s %s', "POST", f"/hooks/dlr/{TOKEN}/", "HTTP/1.1", 200, 25)
    finally:
        for handler, stream in zip(consoles, streams, strict=True):
            handler.setStream(stream)
    assert '"POST /hooks/dlr/[redacted]/ HTTP/1.1" 200 25' in written.getvalue()
    assert TOKEN not in written.getvalue()
