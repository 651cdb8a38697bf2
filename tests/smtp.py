"""A real SMTP server on 127.0.0.1 (aiosmtpd), for tests that must see email actually delivered."""

from __future__ import annotations

import socket
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """Start with .start(), stop with .stop(); the same port can be restarted to model an outage."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None


def wait_for_mail(inbox: Inbox, count: int, timeout: float = 60.0) -> EmailMessage:
    """The count-th message delivered, waiting for it (mail goes out after the response, in another thread)."""
    deadline = time.monotonic() + timeout
    while len(inbox.messages) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"expected {count} email(s), got {len(inbox.messages)}: "
                        f"{[m['Subject'] for m in inbox.messages]}")
        time.sleep(0.1)
    return inbox.messages[count - 1]


def plain_body(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()
