"""A real SMTP server for the mail tests (the `smtp_server` fixture, imported by the conftest
files of the folders that send mail): aiosmtpd on a free port of this machine, with the
portal's SMTP backend pointed at it, so a mail goes through Django's e-mail settings as in
production and arrives as bytes on a socket."""

import email
import re
import socket
from email.message import Message

import pytest


class Inbox:
    def __init__(self):
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        message = email.message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in m["X-Envelope-To"]]

    @staticmethod
    def body(message: Message) -> str:
        return message.get_payload(decode=True).decode()

    def link(self, message: Message) -> str:
        """The path of the one portal link in the mail."""
        links = re.findall(r"https?://\S+", self.body(message))
        assert len(links) == 1, links
        return re.sub(r"^https?://[^/]+", "", links[0])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.PORTAL_BASE_URL = "http://portal.test"
    try:
        yield inbox
    finally:
        controller.stop()
