"""A real SMTP server on 127.0.0.1 (aiosmtpd), for tests that must see email actually delivered."""

from __future__ import annotations

import socket
import threading
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
    """The count-th message delivered, waiting for it (the outbox worker sends mail, in another thread)."""
    deadline = time.monotonic() + timeout
    while len(inbox.messages) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"expected {count} email(s), got {len(inbox.messages)}: "
                        f"{[m['Subject'] for m in inbox.messages]}")
        time.sleep(0.1)
    return inbox.messages[count - 1]


def plain_body(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


class SilentServer:
    """A mail server that accepts connections and never says a word (no greeting, no reply), as a hung relay does.
    Each connection is held for `hold` seconds, then closed, so code without a timeout fails slowly rather than
    hanging the suite. `.connections` counts who called."""

    def __init__(self, port: int | None = None, hold: float = 4.0):
        self.port = port or free_port()
        self.hold = hold
        self.connections = 0
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self) -> SilentServer:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.1)
        self._thread = threading.Thread(target=self._serve, name="silent-smtp", daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        held = []
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                pass
            else:
                self.connections += 1
                held.append((time.monotonic() + self.hold, connection))
            for entry in [e for e in held if e[0] <= time.monotonic()]:
                entry[1].close()
                held.remove(entry)
        for _, connection in held:
            connection.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        if self._listener:
            self._listener.close()
            self._listener = None
